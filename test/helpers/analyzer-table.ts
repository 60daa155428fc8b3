import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Diagnostic } from '../../src/analysis/engine.js';
import { runPipeline, type PipelineResult } from '../../src/analysis/pipeline.js';
import { applyMeshConfig, defaultMeshConfig } from '../../src/analysis/mesh-config.js';
import type { Analyzer } from '../../src/analysis/types.js';
import { catalog } from '../../src/messages/catalog.js';
import { parseText, type LoadedObject, type LoadProblem } from '../../src/resources/loader.js';

/** One expected finding; `line` pins where file:line must point when the case cares. */
export interface Row {
  readonly code: string;
  readonly origin: string;
  readonly line?: number;
}

export interface TableCase {
  readonly name: string;
  /** Fixture files, relative to the analyzer's fixture folder. */
  readonly files: readonly string[];
  /** MeshConfig fields applied over upstream's defaults (as --meshConfigFile would). */
  readonly mesh?: Record<string, unknown>;
  readonly expected: readonly Row[];
  /** The analyzer must be skipped because a required input kind is absent. */
  readonly skipped?: boolean;
}

export const FIXTURES = path.join(import.meta.dirname, '../../fixtures/analyzers');

/** Runs one analyzer the way `analyze --use-kube=false -A` does over fixture files (the same pipeline). */
export function runOn(analyzer: Analyzer, files: readonly string[], mesh?: Record<string, unknown>): PipelineResult {
  const objects: LoadedObject[] = [];
  const problems: LoadProblem[] = [];
  for (const f of files) parseText(readFileSync(f, 'utf8'), f, objects, problems);
  const result = runPipeline(
    { objects, problems },
    {
      allNamespaces: true,
      namespace: 'default',
      istioNamespace: 'istio-system',
      meshConfig: applyMeshConfig(defaultMeshConfig('istio-system'), mesh),
      addDefaults: true,
      analyzers: [analyzer],
    },
  );
  expect(result.problems, 'fixture files must parse, each object defined once').toEqual([]);
  return result;
}

/** The findings of one analyzer that must run over the fixture files. */
export function analyzeFiles(analyzer: Analyzer, files: readonly string[], mesh?: Record<string, unknown>): Diagnostic[] {
  const result = runOn(analyzer, files, mesh);
  expect(result.skipped, `${analyzer.name} must not be skipped`).toEqual([]);
  return result.findings;
}

/**
 * One vitest case per row of the table: expected codes must be declared by the analyzer, rows
 * may not repeat, and the findings must equal the rows as a multiset (lines compared where given).
 */
export function analyzerTable(analyzer: Analyzer, folder: string, cases: readonly TableCase[]): void {
  const names = cases.map((c) => c.name);
  it('has distinct case names', () => expect(new Set(names).size).toBe(names.length));
  const declared = new Set(analyzer.messages.map((m) => catalog.byName(m).code));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const key = (r: Row) => `${r.code} ${r.origin}${r.line === undefined ? '' : `:${r.line}`}`;
    const rows = c.expected.map(key);
    expect(new Set(rows).size, 'duplicate expected rows').toBe(rows.length);
    for (const r of c.expected) expect(declared, `${r.code} is not declared by ${analyzer.name}`).toContain(r.code);

    const result = runOn(analyzer, c.files.map((f) => path.join(folder, f)), c.mesh);
    if (c.skipped) {
      expect(result.skipped.map((s) => s.name)).toEqual([analyzer.name]);
      return;
    }
    expect(result.skipped, `${analyzer.name} must run`).toEqual([]);
    expect(result.findings.filter((d) => d.code === 'ITS0003'), 'the analyzer must not fail (ITS0003)').toEqual([]);
    const actual = result.findings.map((d) => {
      const want = c.expected.find((r) => r.code === d.code && r.origin === d.origin && r.line !== undefined);
      return key({ code: d.code, origin: d.origin, ...(want ? { line: d.line } : {}) });
    });
    expect(actual.sort()).toEqual([...rows].sort());
  });
}
