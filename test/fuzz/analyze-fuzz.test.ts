import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { runPipeline } from '../../src/analysis/pipeline.js';
import { defaultMeshConfig } from '../../src/analysis/mesh-config.js';
import { allAnalyzers } from '../../src/analyzers/index.js';
import { parseText, type LoadedObject, type LoadProblem } from '../../src/resources/loader.js';
import { rng } from '../helpers/rng.js';

function corpus(): string[] {
  const roots = ['fixtures/analyze', 'fixtures/analyzers'].map((p) => path.join(import.meta.dirname, '../..', p));
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries.sort()) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(e)) {
        for (const doc of readFileSync(p, 'utf8').split(/^---\s*$/m)) if (doc.trim()) out.push(doc);
      }
    }
  };
  roots.forEach(walk);
  return out;
}

const weird: unknown[] = [null, 0, -1, 65536, 1.5, '', '*', '...', 'a'.repeat(300), true, [], {}, [null], [{}], { a: [1] }, ['*', ''], 'ünïcode/ä', '10.0.0.0/33'];

/** Replaces, deletes or retypes a random node of a parsed object: the type confusions analyzers must survive. */
function mutateValue(v: unknown, r: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  if (depth > 0 && r() < 0.15) return pick(weird);
  if (Array.isArray(v)) {
    if (v.length && r() < 0.2) return v.filter((_, i) => i !== Math.floor(r() * v.length));
    if (r() < 0.1) return [...v, ...v];
    return v.map((x) => (r() < 0.5 ? mutateValue(x, r, depth + 1) : x));
  }
  if (v && typeof v === 'object') {
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    if (keys.length && r() < 0.15) delete o[pick(keys)];
    if (r() < 0.1) o[pick(['spec', 'selector', 'hosts', 'ports', 'labels', 'annotations', 'status', 'subsets'])] = pick(weird);
    for (const k of keys) if (k in o && r() < 0.5) o[k] = mutateValue(o[k], r, depth + 1);
    return o;
  }
  return r() < 0.3 ? pick(weird) : v;
}

/** Text-level mutations: what a bad merge or a typo does to YAML. */
function mutateText(t: string, r: () => number): string {
  const ops = [
    () => t.slice(0, Math.floor(r() * t.length)),
    () => {
      const i = Math.floor(r() * t.length);
      return t.slice(0, i) + '[{:&*!|>%@`"\'\t-'[Math.floor(r() * 17)] + t.slice(i);
    },
    () => {
      const lines = t.split('\n');
      const i = Math.floor(r() * lines.length);
      lines[i] = ' '.repeat(Math.floor(r() * 5)) + lines[i];
      return lines.join('\n');
    },
    () => {
      const lines = t.split('\n');
      const i = Math.floor(r() * lines.length);
      return [...lines.slice(0, i), lines[i], ...lines.slice(i)].join('\n');
    },
  ];
  return ops[Math.floor(r() * ops.length)]!();
}

function allEmpty(text: string): boolean {
  return parseAllDocuments(text).every((d) => d.errors.length === 0 && d.toJS() == null);
}

describe('fuzz: loader and analyzers', () => {
  const docs = corpus();
  it('has a corpus', () => {
    expect(docs.length).toBeGreaterThan(10);
  });

  it('survives 10,000 mutated documents: every one becomes objects, a parse problem or findings', () => {
    const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
    const r = rng(SEED);
    const BATCH = 10;
    let total = 0;
    let problemsSeen = 0;
    const crashes: string[] = [];
    for (let b = 0; b < 1000; b++) {
      const objects: LoadedObject[] = [];
      const problems: LoadProblem[] = [];
      for (let i = 0; i < BATCH; i++) {
        const base = docs[Math.floor(r() * docs.length)]!;
        let text: string;
        if (r() < 0.6) {
          const parsed: LoadedObject[] = [];
          parseText(base, 'base.yaml', parsed, []);
          const obj = parsed[0]?.object ?? {};
          const mutated = mutateValue(obj, r);
          text = r() < 0.3 ? JSON.stringify(mutated) : stringify(mutated);
        } else {
          text = mutateText(base, r);
        }
        const before = objects.length + problems.length;
        try {
          parseText(text, `fuzz-${b}-${i}.yaml`, objects, problems);
        } catch (e) {
          crashes.push(`loader threw on batch ${b} doc ${i}: ${(e as Error).stack}\n${text}`);
        }
        // Only empty documents (no content, or null) may yield neither an object nor a problem.
        if (objects.length + problems.length === before && !allEmpty(text)) {
          crashes.push(`document vanished (batch ${b} doc ${i}):\n${text}`);
        }
        total++;
      }
      problemsSeen += problems.length;
      try {
        const res = runPipeline(
          { objects, problems },
          { allNamespaces: b % 2 === 0, namespace: 'default', istioNamespace: 'istio-system', meshConfig: defaultMeshConfig(), addDefaults: true, analyzers: allAnalyzers },
        );
        for (const d of res.findings.filter((d) => d.code === 'ITS0003')) {
          crashes.push(`batch ${b}: ${d.message}\n${objects.map((o) => stringify(o.object)).join('---\n')}`);
        }
      } catch (e) {
        crashes.push(`pipeline (snapshot, engine) threw on batch ${b}: ${(e as Error).stack}`);
      }
      if (crashes.length > 5) break;
    }
    expect(crashes.slice(0, 3).join('\n\n=====\n\n')).toBe('');
    expect(total).toBe(10_000);
    expect(problemsSeen).toBeGreaterThan(100);
  }, 180_000);

  // Issue 12 item 6: the hostile inputs, each mutated like the corpus; none may throw or vanish.
  it('survives the hostile inputs of issue 12 (duplicate and merge keys, Lists, BOMs, NULs, UTF-16 text), mutated', () => {
    const svc = (n: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${n}\n  namespace: ns\nspec:\n  ports:\n  - port: 80\n`;
    let list = 'apiVersion: v1\nkind: List\nitems:\n';
    for (let i = 0; i < 2000; i++) list += `- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c${i}, namespace: ns}\n  data: {k: "${i}"}\n`;
    const hostile = [
      `${svc('a')}  name: b\n`,
      `base: &b {app: x}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    <<: *b\n    <<: *b\n`,
      `${svc('a')}---\n${svc('a')}`,
      `\ufeff${svc('a')}---\n\ufeff${svc('b')}`,
      Buffer.from(svc('u16'), 'utf16le').toString('latin1'),
      `${svc('nul')}\u0000\n`,
      'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: x}\nspec:\n  tag: 1.20\n',
      list,
    ];
    const r = rng(Number(process.env.FUZZ_SEED ?? 12));
    const crashes: string[] = [];
    for (let i = 0; i < 400; i++) {
      const base = hostile[i % hostile.length]!;
      const text = i < hostile.length ? base : mutateText(base, r);
      const objects: LoadedObject[] = [];
      const problems: LoadProblem[] = [];
      try {
        parseText(text, `hostile-${i}.yaml`, objects, problems);
        runPipeline({ objects, problems }, { allNamespaces: true, namespace: 'default', istioNamespace: 'istio-system', meshConfig: defaultMeshConfig(), addDefaults: true, analyzers: allAnalyzers });
      } catch (e) {
        crashes.push(`hostile ${i}: ${(e as Error).stack}`);
      }
      if (objects.length + problems.length === 0 && !allEmpty(text)) crashes.push(`hostile ${i} vanished:\n${text.slice(0, 300)}`);
    }
    expect(crashes.slice(0, 3).join('\n\n')).toBe('');
  }, 120_000);
});
