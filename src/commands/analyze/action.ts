import type { Command } from 'commander';
import { stringify as stringifyYaml } from 'yaml';
import { allAnalyzers } from '../../analyzers/index.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import type { KubeClient } from '../../kube/types.js';
import { withHint } from '../../util/errors.js';
import { VERSION } from '../../cli/version.js';
import { parseBoolFlag } from '../../cli/flags.js';
import { renderGithub, renderJson, renderJunit, renderLog, renderSarif, renderYaml } from '../../output/diagnostics.js';
import { painter } from '../../output/paint.js';
import { OUTPUTS, parseSuppressions, parseThreshold, reaches, type AnalyzeOutput } from './options.js';
import { analyzeFiles, exitCodeFor, type AnalyzeResult } from './run.js';
import { explainCode } from './explain.js';

export async function runAnalyze(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as {
    useKube?: boolean;
    allNamespaces: boolean;
    recursive: boolean;
    outputThreshold: string;
    failureThreshold: string;
    suppress: string[];
    analyzer: string[];
    listAnalyzers: boolean;
    meshConfigFile?: string;
    ignoreUnknown: boolean;
    defaultResources: boolean;
    verbose: boolean;
    revision?: string;
    closedWorld: boolean;
    remoteContexts: string[];
    explain?: string;
  };
  const files = cmd.args;
  // Validate everything before reading any input (and before any cluster call).
  const format = ctx.outputFormat<AnalyzeOutput>(OUTPUTS, 'log');
  const outputThreshold = parseThreshold('--output-threshold', o.outputThreshold);
  const failureThreshold = parseThreshold('--failure-threshold', o.failureThreshold);
  const suppressions = parseSuppressions(o.suppress, (w) => ctx.err(`Warning: ${w}\n`));
  if (o.explain !== undefined) {
    ctx.out(await explainCode(o.explain));
    return 0;
  }
  if (o.listAnalyzers) {
    // -o json / yaml: the list as data (name, description), for scripts; otherwise istioctl's text.
    const list = allAnalyzers.map((a) => ({ name: a.name, description: a.description }));
    if (format === 'json') ctx.out(`${JSON.stringify(list, null, 2)}\n`);
    else if (format === 'yaml') ctx.out(stringifyYaml(list));
    else for (const a of list) ctx.out(`* ${a.name}:\n    ${a.description}\n`);
    return 0;
  }
  const closedWorld = o.closedWorld || closedWorldFromEnv(ctx.io.env.ISTIO_TS_CLOSED_WORLD);
  const useKube = o.useKube ?? files.length === 0;
  if (!useKube && files.length === 0) throw new UsageError('no files to analyze', 'Pass files or directories, or "-" for stdin.');
  if (useKube && closedWorld) {
    throw new UsageError('--closed-world applies to files only; the live cluster is already the whole world', 'Pass the files with --use-kube=false.');
  }
  const remoteNames = o.remoteContexts.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
  if (remoteNames.length && !useKube) throw new UsageError('--remote-contexts needs the live cluster', 'Drop --use-kube=false, or the --remote-contexts flag.');
  let live: { kube: KubeClient; revision?: string; cluster?: string; remotes?: { name: string; kube: KubeClient }[] } | undefined;
  const offlineHint = 'To analyze files without a cluster, pass them with --use-kube=false.';
  if (useKube) {
    const kube = await ctx.connectKube().catch((e: unknown) => {
      throw withHint(e, offlineHint);
    });
    live = { kube, ...(o.revision ? { revision: o.revision } : {}) };
    if (remoteNames.length) {
      const remotes: { name: string; kube: KubeClient }[] = [];
      for (const name of remoteNames) {
        // A context that is not in the kubeconfig is the user's to fix before anything is read.
        const kube = await ctx.connectKubeContext(name).catch((e: unknown) => {
          throw withHint(e, `--remote-contexts ${name}: use a context of the kubeconfig (kubectl config get-contexts).`);
        });
        remotes.push({ name, kube });
      }
      live = { ...live, cluster: ctx.globals.context ?? 'current-context', remotes };
    }
  }
  // Offline, namespace-less objects belong to -n (else "default"); live, to the context's namespace.
  const namespace = ctx.globals.namespace ?? live?.kube.defaultNamespace ?? 'default';
  const result = await analyzeFiles({
    files,
    recursive: o.recursive,
    allNamespaces: o.allNamespaces,
    namespace,
    istioNamespace: ctx.globals.istioNamespace,
    analyzerNames: o.analyzer,
    ...(o.meshConfigFile ? { meshConfigFile: o.meshConfigFile } : {}),
    suppressions,
    addDefaults: o.defaultResources,
    closedWorld,
    readStdin: ctx.io.readStdin,
    ...(ctx.io.readStdinBytes ? { readStdinBytes: ctx.io.readStdinBytes } : {}),
    ...(live ? { live } : {}),
  }).catch((e: unknown) => {
    throw live ? withHint(e, offlineHint) : e;
  });
  // What could not be read is an error, not a footnote: the run did not check it.
  for (const u of result.unlisted) ctx.err(`Error: could not read ${u.kind}: ${u.reason}\n`);
  for (const p of result.problems.filter((p) => p.type === 'io')) ctx.err(`Error: ${p.file}: ${p.message}\n`);
  for (const s of result.fileSkips.filter((s) => s.special)) ctx.err(`Note: skipped ${s.file}: ${s.reason}\n`);
  // Nothing read is not "no issues": say so, whatever the output format.
  const nothingRead = !live && result.objectCount === 0 && result.problems.length === 0;
  if (nothingRead) ctx.err(`Warning: no Kubernetes objects found in ${result.files.length} file(s); nothing was analyzed.\n`);
  if (o.verbose) printVerbose(ctx, result);
  const shown = outputThreshold === 'None' ? [] : result.diagnostics.filter((d) => reaches(d.level, outputThreshold));
  const isFailure = (d: (typeof shown)[number]) => reaches(d.level, failureThreshold);
  switch (format) {
    case 'json':
      ctx.out(renderJson(shown));
      break;
    case 'yaml':
      ctx.out(renderYaml(shown));
      break;
    case 'sarif':
      ctx.out(renderSarif(shown, VERSION));
      break;
    case 'junit':
      ctx.out(renderJunit(shown, result.executed, isFailure));
      break;
    case 'github':
      ctx.out(renderGithub(shown));
      break;
    default: {
      const target = o.allNamespaces ? 'all namespaces' : `namespace: ${namespace}`;
      if (shown.length) ctx.out(renderLog(shown, painter(ctx.color)));
      else if (result.diagnostics.length === 0 && result.problems.length === 0 && result.unlisted.length === 0 && !nothingRead) {
        ctx.err(`${painter(ctx.color).ok('✔')} No validation issues found when analyzing ${target}.\n`);
      }
    }
  }
  if (result.otherNamespaceCount > 0) {
    ctx.err(`Note: ${result.otherNamespaceCount} finding(s) in namespaces other than "${namespace}" were not reported; use -A to see all namespaces.\n`);
  }
  const code = nothingRead ? ExitCode.NoInput : exitCodeFor(result, failureThreshold, o.ignoreUnknown);
  if (code === ExitCode.AnalyzerFoundIssues && format === 'log') {
    ctx.err(`Error: Analyzers found issues when analyzing ${o.allNamespaces ? 'all namespaces' : `namespace: ${namespace}`}.\n`);
    ctx.err('See https://istio.io/latest/docs/reference/config/analysis for more information about causes and resolutions.\n');
  }
  const findings = new Set(result.findings);
  const its = [...new Set(shown.filter((d) => d.code.startsWith('ITS') && findings.has(d)).map((d) => d.code))].sort();
  if (its.length && format === 'log') ctx.err(`For istio-ts's own findings, "istio-ts analyze --explain ${its[0]}" prints the symptom and the fix (${its.join(', ')}).\n`);
  if (code === ExitCode.DataErr && format === 'log') ctx.err("Error: Some files couldn't be parsed.\n");
  if (result.unlisted.length > 0) {
    const kinds = [...new Set(result.unlisted.map((u) => u.kind))];
    const skipped = result.skipped.length ? `; ${result.skipped.length} analyzer(s) skipped for lack of input (--verbose lists them)` : '';
    ctx.err(`Error: the cluster was only partly analyzed: could not read ${kinds.join(', ')}${skipped}.\n`);
    const forbidden = result.unlisted.some((u) => u.errorKind === 'forbidden');
    const unauthorized = result.unlisted.some((u) => u.errorKind === 'unauthorized');
    if (unauthorized) ctx.err('The API server did not accept the credentials: check the kubeconfig user (expired or invalid token).\n');
    if (forbidden) ctx.err(`Grant list on these kinds${o.allNamespaces ? ' cluster-wide' : ` in namespace ${namespace} and ${ctx.globals.istioNamespace}`}, or analyze a namespace you can read (-n).\n`);
  }
  return code;
}

/** ISTIO_TS_CLOSED_WORLD: true/1/yes or false/0/no (a CI-wide switch for --closed-world). */
function closedWorldFromEnv(v: string | undefined): boolean {
  if (v === undefined || v === '') return false;
  return parseBoolFlag('ISTIO_TS_CLOSED_WORLD')(v);
}

function printVerbose(ctx: CommandContext, r: AnalyzeResult) {
  ctx.err(`Analyzed ${r.resourceCount} resources from ${r.files.length} file(s).\n`);
  for (const s of r.fileSkips) ctx.err(`Skipped file ${s.file}: ${s.reason}\n`);
  for (const [k, n] of r.ignoredKinds) ctx.err(`Ignored ${n} object(s) of kind ${k} (not analyzed)\n`);
  if (r.suppressedCount) ctx.err(`Suppressed ${r.suppressedCount} message(s).\n`);
  ctx.err('Executed analyzers:\n');
  for (const n of r.executed) ctx.err(`    ${n}\n`);
  ctx.err('Skipped analyzers:\n');
  for (const s of r.skipped) ctx.err(`    ${s.name}: ${s.reason}\n`);
}
