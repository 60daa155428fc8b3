import { catalog, documentationUrl } from '../messages/catalog.js';
import { goFormat } from '../messages/format.js';
import type { Level, MessageType } from '../messages/types.js';
import { friendlyName, type Resource } from '../resources/types.js';
import type { MeshConfig } from './mesh-config.js';
import type { Snapshot } from './snapshot.js';
import type { AnalysisContext, Analyzer, Report } from './types.js';

/** A finding, rendered: what every output format prints. */
export interface Diagnostic {
  readonly type: MessageType;
  readonly level: Level;
  readonly code: string;
  readonly message: string;
  /** "Kind namespace/name" ("" when the message has no resource). */
  readonly origin: string;
  /** "file:line" when known, else "". */
  readonly reference: string;
  readonly documentationUrl: string;
  readonly file?: string;
  readonly line?: number;
  readonly namespace: string;
  readonly resource?: Resource;
  readonly analyzer: string;
}

export interface EngineResult {
  readonly diagnostics: Diagnostic[];
  readonly executed: string[];
  readonly skipped: { name: string; reason: string }[];
}

export interface EngineOptions {
  readonly snapshot: Snapshot;
  readonly mesh: MeshConfig;
  readonly istioNamespace: string;
  readonly clusters?: AnalysisContext['clusters'];
}

/** Runs analyzers whose inputs are available; one that throws becomes an ITS0003 finding. */
export function runAnalyzers(analyzers: readonly Analyzer[], opts: EngineOptions): EngineResult {
  const diagnostics: Diagnostic[] = [];
  const executed: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const a of analyzers) {
    const missing = a.inputs.filter((k) => !opts.snapshot.isAvailable(k));
    if (missing.length) {
      skipped.push({ name: a.name, reason: `no ${missing.join(', ')} in the input` });
      continue;
    }
    executed.push(a.name);
    const allowed = new Set<string>(a.messages);
    const report = (r: Report) => {
      // The type check holds analyzers written in TypeScript to the catalog; JS callers and casts
      // are held here, so a user never reads "%!v(MISSING)".
      const wrong = !allowed.has(r.message) ? `emitted undeclared message ${r.message}` : argumentProblem(r);
      if (wrong) {
        diagnostics.push(toDiagnostic(a.name, { message: 'AnalyzerFailed', args: [a.name, wrong] }));
        return;
      }
      diagnostics.push(toDiagnostic(a.name, r));
    };
    try {
      a.analyze({ snapshot: opts.snapshot, mesh: opts.mesh, istioNamespace: opts.istioNamespace, ...(opts.clusters ? { clusters: opts.clusters } : {}), report });
    } catch (e) {
      diagnostics.push(toDiagnostic(a.name, { message: 'AnalyzerFailed', args: [a.name, (e as Error)?.message ?? String(e)] }));
    }
  }
  return { diagnostics, executed, skipped };
}

/** Why a report's arguments do not fit its catalog template (count, or a missing value), or undefined. */
export function argumentProblem(r: Report): string | undefined {
  const type = catalog.byName(r.message);
  const args: readonly unknown[] = r.args ?? [];
  const want = type.args.map((x) => x.name);
  if (args.length !== want.length) {
    return `emitted ${r.message} with ${args.length} argument${args.length === 1 ? '' : 's'}, want ${want.length}${want.length ? ` (${want.join(', ')})` : ''}`;
  }
  const missing = args.findIndex((x) => x === undefined || x === null);
  if (missing >= 0) return `emitted ${r.message} without a value for argument ${want[missing]}`;
  return undefined;
}

export function toDiagnostic(analyzer: string, r: Report): Diagnostic {
  const type = catalog.byName(r.message);
  // Messages about a pod made up from a workload template belong to the workload.
  const res = r.resource?.synthetic?.owner ?? r.resource;
  const path = r.resource?.synthetic?.owner ? undefined : r.path;
  const file = res?.source?.file;
  let line = res?.source?.line;
  if (path && res?.locate) line = res.locate(path) ?? line;
  return {
    type,
    level: type.level,
    code: type.code,
    message: goFormat(type.template, r.args ?? []),
    origin: res ? friendlyName(res) : '',
    reference: file ? (line ? `${file}:${line}` : file) : '',
    documentationUrl: documentationUrl(type),
    ...(file ? { file } : {}),
    ...(line ? { line } : {}),
    namespace: res?.namespace ?? '',
    ...(res ? { resource: res } : {}),
    analyzer,
  };
}
