import type { LoadProblem } from '../resources/loader.js';
import { buildFileSnapshot, type BuildOptions, type SourcedObject } from './build.js';
import { runAnalyzers, type Diagnostic, type EngineOptions } from './engine.js';
import type { Snapshot } from './snapshot.js';
import type { Analyzer } from './types.js';

/**
 * The one analysis pipeline: load → snapshot → engine. Loading is the caller's, because sources
 * differ (files and stdin through resources/loader, a live cluster through analysis/live, a
 * diagnose capture already in memory); from the loaded objects on, `analyze` (offline and live),
 * diagnose's analyzer probe and the analyzer table tests run the same steps.
 */
export interface PipelineInput {
  /** Loaded objects, lowest precedence first (a live cluster's, then the files' that override them). */
  readonly objects: readonly SourcedObject[];
  /** What the loader could not read or parse; kept apart from the findings. */
  readonly problems?: readonly LoadProblem[];
}

export interface PipelineOptions extends BuildOptions {
  readonly analyzers: readonly Analyzer[];
  /** Multi-cluster analysis: the other clusters' snapshots (analyze --remote-contexts). */
  readonly clusters?: EngineOptions['clusters'];
}

export interface PipelineResult {
  readonly snapshot: Snapshot;
  /** Analyzer findings (ITS0003 included when one failed); never a load problem. */
  readonly findings: Diagnostic[];
  /**
   * Input problems: the loader's (parse, invalid, io) and objects defined twice. They are not
   * findings: callers present them as they choose (analyze prints them as ITS0001/2/21).
   */
  readonly problems: LoadProblem[];
  readonly executed: string[];
  readonly skipped: { name: string; reason: string }[];
  /** Objects whose kind istio-ts does not analyze, by apiVersion/kind, with counts. */
  readonly ignoredKinds: Map<string, number>;
}

export function runPipeline(input: PipelineInput, opts: PipelineOptions): PipelineResult {
  const { analyzers, clusters, ...build } = opts;
  const { snapshot, ignoredKinds, duplicates } = buildFileSnapshot(input.objects, build);
  const engine = runAnalyzers(analyzers, {
    snapshot,
    mesh: build.meshConfig,
    istioNamespace: build.istioNamespace,
    ...(clusters ? { clusters } : {}),
  });
  const problems: LoadProblem[] = [
    ...(input.problems ?? []),
    ...duplicates.map((d): LoadProblem => ({
      file: d.dropped.file,
      line: d.dropped.line,
      type: 'invalid',
      message: `${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name} is defined twice: here and at ${d.kept.file}:${d.kept.line} (the one analyzed)`,
    })),
  ];
  return { snapshot, findings: engine.diagnostics, problems, executed: engine.executed, skipped: engine.skipped, ignoredKinds };
}
