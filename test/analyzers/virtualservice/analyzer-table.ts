import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildFileSnapshot } from '../../../src/analysis/build.js';
import { runAnalyzers, type Diagnostic } from '../../../src/analysis/engine.js';
import { applyMeshConfig, defaultMeshConfig } from '../../../src/analysis/mesh-config.js';
import type { Analyzer } from '../../../src/analysis/types.js';
import { catalog } from '../../../src/messages/catalog.js';
import { parseText, type LoadedObject, type LoadProblem } from '../../../src/resources/loader.js';

/** One expected finding: code and origin, and the line when the case pins it. */
export interface Row {
  readonly code: string;
  readonly origin: string;
  readonly line?: number;
}

export interface AnalyzerCase {
  readonly name: string;
  /** Fixture files, relative to the analyzer's fixture folder. */
  readonly files: readonly string[];
  /** MeshConfig fields applied over upstream's defaults. */
  readonly mesh?: Record<string, unknown>;
  readonly expected: readonly Row[];
}

export const FIXTURES = path.join(import.meta.dirname, '../../../fixtures/analyzers');

/** Runs one analyzer the way `analyze --use-kube=false -A` does over the fixture files. */
export function analyzeFiles(analyzer: Analyzer, files: readonly string[], mesh?: Record<string, unknown>): Diagnostic[] {
  const objects: LoadedObject[] = [];
  const problems: LoadProblem[] = [];
  for (const f of files) parseText(readFileSync(f, 'utf8'), f, objects, problems);
  expect(problems, 'fixture files must parse').toEqual([]);
  const meshConfig = applyMeshConfig(defaultMeshConfig('istio-system'), mesh);
  const { snapshot } = buildFileSnapshot(objects, {
    allNamespaces: true,
    namespace: 'default',
    istioNamespace: 'istio-system',
    meshConfig,
    addDefaults: true,
  });
  const result = runAnalyzers([analyzer], { snapshot, mesh: meshConfig, istioNamespace: 'istio-system' });
  expect(result.skipped, `${analyzer.name} must not be skipped`).toEqual([]);
  return result.diagnostics;
}

const rowKey = (r: Row) => `${r.code} ${r.origin}${r.line === undefined ? '' : `:${r.line}`}`;

/**
 * Declares one vitest case per table row. Expected codes must be ones the analyzer declares,
 * and a table may not list the same row twice (a repeated row must be two distinct findings,
 * which the case then states with distinct lines).
 */
export function analyzerTable(analyzer: Analyzer, folder: string, cases: readonly AnalyzerCase[]): void {
  const declared = new Set(analyzer.messages.map((m) => catalog.byName(m).code));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const r of c.expected) expect(declared, `${r.code} is not declared by ${analyzer.name}`).toContain(r.code);
    const keys = c.expected.map(rowKey);
    expect(new Set(keys).size, 'duplicate expected rows').toBe(keys.length);
    const diags = analyzeFiles(
      analyzer,
      c.files.map((f) => path.join(folder, f)),
      c.mesh,
    );
    const actual = diags.map((d) => {
      const want = c.expected.find((r) => r.code === d.code && r.origin === d.origin && r.line !== undefined);
      return rowKey({ code: d.code, origin: d.origin, ...(want ? { line: d.line ?? -1 } : {}) });
    });
    expect(actual.sort()).toEqual([...keys].sort());
  });
}
