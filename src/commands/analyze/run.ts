import { fsp } from '../../util/lazy-fs.js';
import { parse as parseYaml } from 'yaml';
import { buildFileSnapshot } from '../../analysis/build.js';
import { toDiagnostic, type Diagnostic } from '../../analysis/engine.js';
import { runPipeline } from '../../analysis/pipeline.js';
import { applyMeshConfig, defaultMeshConfig, type MeshConfig } from '../../analysis/mesh-config.js';
import type { Analyzer } from '../../analysis/types.js';
import type { Snapshot } from '../../analysis/snapshot.js';
import { allAnalyzers } from '../../analyzers/index.js';
import { ExitCode, UsageError, UserError, exitCodeOf } from '../../cli/errors.js';
import { kindOf, messageOf, type ErrorKind } from '../../util/errors.js';
import { levelRank } from '../../messages/types.js';
import { collectLive, type LiveCollection } from '../../analysis/live.js';
import type { KubeClient } from '../../kube/types.js';
import { loadInputs, type LoadProblem, type SkippedFile } from '../../resources/loader.js';
import { friendlyName } from '../../resources/types.js';
import { reaches, type Suppression, type Threshold } from './options.js';

export interface AnalyzeRequest {
  readonly files: readonly string[];
  readonly recursive: boolean;
  readonly allNamespaces: boolean;
  readonly namespace: string;
  readonly istioNamespace: string;
  readonly analyzerNames: readonly string[];
  readonly meshConfigFile?: string;
  readonly suppressions: readonly Suppression[];
  readonly addDefaults: boolean;
  /** The files are the whole world: kinds absent from them have no objects (offline only). */
  readonly closedWorld?: boolean;
  readonly readStdin: () => Promise<string>;
  readonly readStdinBytes?: () => Promise<Buffer>;
  /** Analyze the live cluster, with the files layered on top (file objects take precedence). */
  readonly live?: {
    readonly kube: KubeClient;
    readonly revision?: string;
    /** Multi-cluster: the current cluster's name and the other clusters (--remote-contexts). */
    readonly cluster?: string;
    readonly remotes?: readonly { readonly name: string; readonly kube: KubeClient }[];
  };
}

export interface AnalyzeResult {
  /** Analyzer findings after namespace filtering and suppression, sorted. */
  readonly findings: Diagnostic[];
  /** What every output format prints: the findings and the input problems as ITS0001/2/21, sorted. */
  readonly diagnostics: Diagnostic[];
  /** Input problems (parse, invalid, unreadable, defined twice): never counted as findings. */
  readonly problems: LoadProblem[];
  readonly executed: string[];
  readonly skipped: { name: string; reason: string }[];
  readonly files: string[];
  readonly fileSkips: SkippedFile[];
  /** Objects read from the files (Lists expanded); 0 means nothing from the files was checked. */
  readonly objectCount: number;
  readonly ignoredKinds: Map<string, number>;
  readonly resourceCount: number;
  readonly suppressedCount: number;
  /** Findings hidden because their namespace is not the selected one (no -A). */
  readonly otherNamespaceCount: number;
  /** Live mode: kinds that could not be read (RBAC, credentials, API errors), with why. */
  readonly unlisted: { kind: string; reason: string; errorKind: ErrorKind }[];
}

export const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

export function selectAnalyzers(names: readonly string[], all: readonly Analyzer[] = allAnalyzers): Analyzer[] {
  if (names.length === 0) return [...all];
  const out: Analyzer[] = [];
  for (const n of names) {
    // "schema.ValidationAnalyzer" selects every per-kind schema analyzer.
    const hits = all.filter((a) => a.name === n || a.name.startsWith(`${n}.`));
    if (hits.length === 0) {
      throw new UsageError(`unknown analyzer "${n}"`, 'Run "istio-ts analyze --list-analyzers" to see the names.');
    }
    for (const h of hits) if (!out.includes(h)) out.push(h);
  }
  return out;
}

export async function loadMeshConfig(file: string | undefined, istioNamespace: string, clusterMesh?: string): Promise<MeshConfig> {
  let base = defaultMeshConfig(istioNamespace);
  if (clusterMesh !== undefined) {
    try {
      base = applyMeshConfig(base, parseYaml(clusterMesh) ?? {});
    } catch (e) {
      throw new UserError(`the cluster's mesh config (ConfigMap ${istioNamespace}/istio, data.mesh) does not parse: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!file) return base;
  let text: string;
  try {
    text = await fsp().readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`--meshConfigFile ${file}: ${(e as Error).message}`, ExitCode.NoInput);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UserError(`--meshConfigFile ${file}: ${(e as Error).message.split('\n')[0]}`, ExitCode.DataErr);
  }
  if (doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) {
    throw new UserError(`--meshConfigFile ${file}: a MeshConfig must be a mapping`, ExitCode.DataErr);
  }
  return applyMeshConfig(base, doc ?? {});
}

/** Analysis of files, the live cluster or both: load, then the pipeline (snapshot → analyzers), then filter → sort. */
export async function analyzeFiles(req: AnalyzeRequest): Promise<AnalyzeResult> {
  const analyzers = selectAnalyzers(req.analyzerNames);
  const loaded = await loadInputs(req.files, { recursive: req.recursive, readStdin: req.readStdin, ...(req.readStdinBytes ? { readStdinBytes: req.readStdinBytes } : {}) });
  let live: LiveCollection | undefined;
  if (req.live) {
    const kinds = analyzers.flatMap((a) => [...a.inputs, ...(a.optionalInputs ?? [])]);
    // Without -A, read only the namespace asked for and the Istio root namespace (mesh-wide config).
    const namespaces = req.allNamespaces ? undefined : [req.namespace, req.istioNamespace];
    live = await collectLive(req.live.kube, kinds, { istioNamespace: req.istioNamespace, ...(req.live.revision ? { revision: req.live.revision } : {}), ...(namespaces ? { namespaces } : {}) });
  }
  const mesh = await loadMeshConfig(req.meshConfigFile, req.istioNamespace, live?.meshConfigText);
  const remotes = await remoteSnapshots(req, analyzers, mesh);
  const analysis = runPipeline({ objects: [...(live?.objects ?? []), ...loaded.objects], problems: loaded.problems }, {
    allNamespaces: req.allNamespaces,
    namespace: req.namespace,
    istioNamespace: req.istioNamespace,
    meshConfig: mesh,
    addDefaults: req.addDefaults && !live,
    synthesizePods: !live,
    closedWorld: Boolean(req.closedWorld) && !live,
    ...(live ? { availableKinds: live.available } : {}),
    analyzers,
    ...(remotes.snapshots.size ? { clusters: { primary: req.live?.cluster ?? 'primary', remotes: remotes.snapshots } } : {}),
  });
  const { problems } = analysis;
  let suppressed = 0;
  let otherNamespace = 0;
  const findings = analysis.findings.filter((d) => {
    // A finding about a Namespace object belongs to that namespace (istioctl -n NS does not print
    // IST0102 for other namespaces); other cluster-scoped objects are shown in every namespace.
    const ns = d.resource?.kind === 'Namespace' ? d.resource.name : d.namespace;
    if (!req.allNamespaces && ns && ns !== req.namespace) {
      otherNamespace++;
      return false;
    }
    if (isSuppressed(d, req.suppressions)) {
      suppressed++;
      return false;
    }
    return true;
  });
  return {
    findings: sortDedupe(findings),
    // Every problem is also shown as a finding, so a file that could not be read shows in every
    // output format (JSON, SARIF, JUnit, GitHub), not only on stderr; the exit code keeps its own order.
    diagnostics: sortDedupe([...problems.map(problemToDiagnostic), ...findings]),
    problems,
    executed: analysis.executed,
    skipped: analysis.skipped,
    files: loaded.files,
    fileSkips: loaded.skipped,
    objectCount: loaded.objects.length,
    ignoredKinds: analysis.ignoredKinds,
    resourceCount: analysis.snapshot.size,
    suppressedCount: suppressed,
    otherNamespaceCount: otherNamespace,
    unlisted: [...(live?.unavailable ?? []), ...remotes.unlisted],
  };
}

/**
 * The remote clusters of --remote-contexts, each listed for what the multi-cluster analyzers read
 * (as upstream, only they look across clusters). A cluster that cannot be read is reported and
 * left out; the rest of the analysis still runs.
 */
async function remoteSnapshots(req: AnalyzeRequest, analyzers: readonly Analyzer[], mesh: MeshConfig) {
  const snapshots = new Map<string, Snapshot>();
  const unlisted: { kind: string; reason: string; errorKind: ErrorKind }[] = [];
  const kinds = analyzers.filter((a) => MULTI_CLUSTER.has(a.name)).flatMap((a) => [...a.inputs]);
  if (!req.live?.remotes?.length || kinds.length === 0) return { snapshots, unlisted };
  for (const r of req.live.remotes) {
    try {
      const c = await collectLive(r.kube, kinds, { istioNamespace: req.istioNamespace });
      for (const u of c.unavailable) unlisted.push({ ...u, kind: `${u.kind} in context ${r.name}` });
      const built = buildFileSnapshot(c.objects, {
        allNamespaces: true,
        namespace: req.namespace,
        istioNamespace: req.istioNamespace,
        meshConfig: mesh,
        addDefaults: false,
        synthesizePods: false,
        availableKinds: c.available,
      });
      snapshots.set(r.name, built.snapshot);
    } catch (e) {
      unlisted.push({ kind: `context ${r.name}`, reason: `${messageOf(e)}; multi-cluster analyzers ran without it`, errorKind: kindOf(e) });
    }
  }
  return { snapshots, unlisted };
}

/** Analyzers that compare clusters (upstream analyzers.AllMultiCluster). */
const MULTI_CLUSTER = new Set(['services.MultiClusterServiceAnalyzer']);

function problemToDiagnostic(p: LoadProblem): Diagnostic {
  const d = toDiagnostic('loader', { message: p.type === 'parse' ? 'FileParseError' : p.type === 'io' ? 'InputNotReadable' : 'InvalidResource', args: [p.message] });
  return { ...d, file: p.file, ...(p.line ? { line: p.line } : {}), reference: p.line ? `${p.file}:${p.line}` : p.file };
}

export function isSuppressed(d: Diagnostic, sups: readonly Suppression[]): boolean {
  const res = d.resource;
  if (res) {
    const ann = res.annotations[SUPPRESS_ANNOTATION];
    if (ann !== undefined) {
      const codes = ann.split(',').map((s) => s.trim().toUpperCase());
      if (codes.includes('*') || codes.includes(d.code)) return true;
    }
  }
  if (!sups.length || !d.origin) return false;
  // Match the origin as istioctl prints it ("Pod testing/mypod"), and the form its help text
  // shows ("Pod mypod.testing").
  const alt = res && res.namespace ? `${res.object.kind} ${res.name}.${res.namespace}` : d.origin;
  return sups.some((s) => s.code.test(d.code) && (s.resource.test(d.origin) || s.resource.test(alt)));
}

/** Upstream SortedDedupedCopy: drop exact duplicates; order by origin, then code, then text. */
export function sortDedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = `${d.code}\u0000${d.origin}\u0000${d.reference}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      cmp(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      cmp(a.origin, b.origin) ||
      levelRank(a.level) - levelRank(b.level) ||
      cmp(a.code, b.code) ||
      cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The exit code, the same for every output format (istioctl loses it with -o json, istio#35054):
 * 79 when an analyzer finding reaches --failure-threshold; else 1 when part of the live cluster
 * could not be read (forbidden, unauthorized: the run did not check what it was asked to); else
 * 65 when input did not parse (unless --ignore-unknown); else 66 when an input was missing; else 0.
 * Every cause is also printed on stderr, whichever code wins.
 */
export function exitCodeFor(r: AnalyzeResult, failure: Threshold, ignoreUnknown: boolean): number {
  if (r.findings.some((d) => reaches(d.level, failure))) return ExitCode.AnalyzerFoundIssues;
  if (r.unlisted.length > 0) return exitCodeOf(r.unlisted[0]!.errorKind);
  if (!ignoreUnknown && r.problems.some((p) => p.type !== 'io')) return ExitCode.DataErr;
  if (r.problems.some((p) => p.type === 'io')) return ExitCode.NoInput;
  return ExitCode.OK;
}

export { friendlyName };
