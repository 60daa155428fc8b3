import { existsSync, readFileSync } from 'node:fs';
import { fsp } from '../util/lazy-fs.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isScalar, parseAllDocuments, visit, type Document } from 'yaml';
import { isCrdData, type CrdData } from './crds.js';
import { InstallInputError } from './errors.js';
import { resolveInstall, type ResolvedInstall } from './operator.js';
import { renderManifest } from './render/index.js';
import { parseSetFlag, type SetFlag } from './set-path.js';
import type { RenderedObject, Tree } from './types.js';
import { KindError, withContext } from '../util/errors.js';

export interface GenerateOptions {
  readonly files: readonly string[];
  readonly sets: readonly string[];
  readonly revision?: string;
  readonly cwd: string;
  readonly readStdin: () => Promise<string>;
}

export interface GenerateResult {
  readonly install: ResolvedInstall;
  readonly objects: RenderedObject[];
  /** Things the user should know, for stderr. */
  readonly warnings: string[];
}

/** Parses --set flags up front so a typo fails with 64 before any file is read. */
export function parseSets(raw: readonly string[]): SetFlag[] {
  return raw.map((r) => {
    const s = parseSetFlag(r);
    if (typeof s === 'string') throw new KindError(s, 'usage', 'Example: --set values.pilot.env.PILOT_ENABLE_AMBIENT=true');
    return s;
  });
}

export async function generate(o: GenerateOptions, injector?: (values: Tree) => { config: string; values: string }): Promise<GenerateResult> {
  const sets = parseSets(o.sets);
  const warnings: string[] = [];
  for (const s of sets) {
    const first = s.path[0];
    if (first && 'key' in first && first.key === 'installPackagePath') {
      warnings.push(`--set ${s.raw}: ignored; istio-ts renders from its built-in charts and profiles`);
    }
  }
  const files = [];
  for (const f of o.files) files.push({ name: f, doc: await readIopFile(f, o) });
  let install: ResolvedInstall;
  try {
    install = resolveInstall({ files, sets: sets.filter((s) => !('key' in s.path[0]! && s.path[0].key === 'installPackagePath')), ...(o.revision !== undefined ? { revision: o.revision } : {}) });
  } catch (e) {
    // Where the bad value came from goes in front; the kind (usage for a flag, data for a file) stays.
    if (e instanceof InstallInputError) throw withContext(e, e.origin.kind === 'file' ? e.origin.file : e.origin.flag);
    throw e;
  }
  const crds = loadCrdData();
  if (!crds && install.iop.spec.components?.base?.enabled) warnings.push('CRD data (data/istio-crds.json) not found; CustomResourceDefinitions are not rendered');
  if (!injector && install.iop.spec.components?.pilot?.enabled && install.values.global && !(install.values.global as Tree).omitSidecarInjectorConfigMap) {
    warnings.push('injection templates are not available in this build; the istio-sidecar-injector ConfigMap is not rendered');
  }
  const objects = renderManifest({ install, ...(crds ? { crds } : {}), ...(injector ? { injector } : {}) });
  return { install, objects, warnings };
}

async function readIopFile(file: string, o: GenerateOptions): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await o.readStdin() : await fsp().readFile(path.resolve(o.cwd, file), 'utf8');
  } catch (e) {
    throw new KindError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'noinput');
  }
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  // istioctl: each -f file holds at most one IstioOperator.
  if (docs.length > 1) throw new KindError(`${file}: holds ${docs.length} documents; each -f file must hold one IstioOperator`, 'data');
  const doc = docs[0];
  if (!doc) return null;
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new KindError(`${file}${line ? `:${line}` : ''}: ${err.message.split('\n')[0]}`, 'data');
  }
  keepTagsAsWritten(doc, text);
  return doc.toJS();
}

/**
 * Image tags are strings: `tag: 1.20` is the YAML float 1.2, which would pull istio/pilot:1.2.
 * A tag written as a plain number keeps the text it was written as.
 */
export function keepTagsAsWritten(doc: Document, text: string): void {
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const v = pair.value;
      if (key === 'tag' && isScalar(v) && typeof v.value === 'number' && v.type === 'PLAIN' && v.range) {
        v.value = text.slice(v.range[0], v.range[1]);
      }
    },
  });
}

/** data/istio-crds.json from the package root (found by walking up from this module). */
export function loadCrdData(): CrdData | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'data', 'istio-crds.json');
    if (existsSync(p)) {
      const d: unknown = JSON.parse(readFileSync(p, 'utf8'));
      return isCrdData(d) ? d : undefined;
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
