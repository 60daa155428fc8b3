import { stringify as stringifyYaml } from 'yaml';
import { allAnalyzers } from '../../analyzers/index.js';
import type { Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import type { KubeClient } from '../../kube/types.js';
import { withHint } from '../../util/errors.js';
import { VERSION } from '../../cli/version.js';
import { parseBoolFlag } from '../../cli/flags.js';
import { renderGithub, renderJson, renderJunit, renderLog, renderSarif, renderYaml } from '../../output/diagnostics.js';
import { painter } from '../../output/paint.js';
import { parseSuppressions, parseThreshold, reaches, type AnalyzeOutput, type Suppression, type Threshold } from './options.js';
import type { AnalyzeFlags } from './index.js';
import { analyzeFiles, exitCodeFor, type AnalyzeResult } from './run.js';
import { explainCode } from './explain.js';
import { glyphs } from '../../output/symbols.js';

interface Options {
  readonly files: readonly string[];
  readonly flags: AnalyzeFlags;
  readonly format: AnalyzeOutput;
  readonly outputThreshold: Threshold;
  readonly failureThreshold: Threshold;
  readonly suppressions: Suppression[];
  readonly useKube: boolean;
  readonly closedWorld: boolean;
  readonly remoteNames: string[];
}

/** What analyze found (or, with --explain / --list-analyzers, what it was asked to print). */
type Result =
  | { readonly kind: 'explain'; readonly text: string }
  | { readonly kind: 'list'; readonly list: readonly { name: string; description: string }[] }
  | {
      readonly kind: 'analysis';
      readonly shown: AnalyzeResult['diagnostics'];
      readonly executed: readonly string[];
      readonly isFailure: (d: AnalyzeResult['diagnostics'][number]) => boolean;
      readonly code: number;
    };

const analysisOnly = (r: Result) => (r.kind === 'analysis' ? r : undefined);

export const implementation: Implementation<AnalyzeFlags, AnalyzeOutput, Options, Result> = {
  // Everything is validated before reading any input (and before any cluster call).
  validate: ({ flags: o, args: files, format }, ctx) => {
    const outputThreshold = parseThreshold('--output-threshold', o.outputThreshold);
    const failureThreshold = parseThreshold('--failure-threshold', o.failureThreshold);
    const suppressions = parseSuppressions(o.suppress, (w) => ctx.err(`Warning: ${w}\n`));
    const closedWorld = o.closedWorld || closedWorldFromEnv(ctx.io.env.ISTIO_TS_CLOSED_WORLD);
    const useKube = o.useKube ?? files.length === 0;
    const remoteNames = o.remoteContexts.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
    const options = { files, flags: o, format, outputThreshold, failureThreshold, suppressions, useKube, closedWorld, remoteNames };
    if (o.explain !== undefined || o.listAnalyzers) return options;
    if (!useKube && files.length === 0) throw new UsageError('no files to analyze', 'Pass files or directories, or "-" for stdin.');
    if (useKube && closedWorld) {
      throw new UsageError('--closed-world applies to files only; the live cluster is already the whole world', 'Pass the files with --use-kube=false.');
    }
    if (remoteNames.length && !useKube) throw new UsageError('--remote-contexts needs the live cluster', 'Drop --use-kube=false, or the --remote-contexts flag.');
    return options;
  },
  run: async (ctx, opts) => {
    const { flags: o, format, files } = opts;
    if (o.explain !== undefined) return { kind: 'explain', text: await explainCode(o.explain) };
    if (o.listAnalyzers) return { kind: 'list', list: allAnalyzers.map((a) => ({ name: a.name, description: a.description })) };
    let live: { kube: KubeClient; revision?: string; cluster?: string; remotes?: { name: string; kube: KubeClient }[] } | undefined;
    const offlineHint = 'To analyze files without a cluster, pass them with --use-kube=false.';
    if (opts.useKube) {
      const kube = await ctx.connectKube().catch((e: unknown) => {
        throw withHint(e, offlineHint);
      });
      live = { kube, ...(o.revision ? { revision: o.revision } : {}) };
      if (opts.remoteNames.length) {
        const remotes: { name: string; kube: KubeClient }[] = [];
        for (const name of opts.remoteNames) {
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
      // istioctl reads directories recursively, -R or not (its -R is a removed no-op): a CI lint of
      // a tree must not pass because a subdirectory went unread.
      recursive: true,
      allNamespaces: o.allNamespaces,
      namespace,
      istioNamespace: ctx.globals.istioNamespace,
      analyzerNames: o.analyzer,
      ...(o.meshConfigFile ? { meshConfigFile: o.meshConfigFile } : {}),
      suppressions: opts.suppressions,
      addDefaults: o.defaultResources,
      closedWorld: opts.closedWorld,
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
    const shown = opts.outputThreshold === 'None' ? [] : result.diagnostics.filter((d) => reaches(d.level, opts.outputThreshold));
    const target = o.allNamespaces ? 'all namespaces' : `namespace: ${namespace}`;
    if (format === 'log' && !shown.length && result.diagnostics.length === 0 && result.problems.length === 0 && result.unlisted.length === 0 && !nothingRead) {
      // As istioctl: the files read are named (one inline, several as a list); else the namespaces.
      const what = result.files.length > 1 ? `:\n  - ${result.files.join('\n  - ')}\n` : ` ${result.files[0] ?? target}.\n`;
      ctx.err(`${glyphs(painter(ctx.color)).ok} No validation issues found when analyzing${what}`);
    }
    if (result.otherNamespaceCount > 0) {
      ctx.err(`Note: ${result.otherNamespaceCount} finding(s) in namespaces other than "${namespace}" were not reported; use -A to see all namespaces.\n`);
    }
    const code = nothingRead ? ExitCode.NoInput : exitCodeFor(result, opts.failureThreshold, o.ignoreUnknown);
    if (code === ExitCode.AnalyzerFoundIssues && format === 'log') {
      ctx.err(`Error: Analyzers found issues when analyzing ${target}.\n`);
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
    return { kind: 'analysis', shown, executed: result.executed, isFailure: (d) => reaches(d.level, opts.failureThreshold), code };
  },
  printers: {
    // -o json / yaml with --list-analyzers: the list as data (name, description), for scripts; otherwise istioctl's text.
    log: (r, p) => (r.kind === 'explain' ? r.text : r.kind === 'list' ? r.list.map((a) => `* ${a.name}:\n    ${a.description}\n`).join('') : r.shown.length ? renderLog(r.shown, painter(p.color)) : ''),
    json: (r) => (r.kind === 'explain' ? r.text : r.kind === 'list' ? `${JSON.stringify(r.list, null, 2)}\n` : renderJson(r.shown)),
    yaml: (r) => (r.kind === 'explain' ? r.text : r.kind === 'list' ? stringifyYaml(r.list) : renderYaml(r.shown)),
    sarif: (r) => other(r, (a) => renderSarif(a.shown, VERSION)),
    junit: (r) => other(r, (a) => renderJunit(a.shown, [...a.executed], a.isFailure)),
    github: (r) => other(r, (a) => renderGithub(a.shown)),
  },
  exitCode: (r) => analysisOnly(r)?.code ?? ExitCode.OK,
};

/** sarif, junit, github: findings only; --explain prints its text, --list-analyzers the text list. */
function other(r: Result, render: (a: Extract<Result, { kind: 'analysis' }>) => string): string {
  if (r.kind === 'explain') return r.text;
  if (r.kind === 'list') return r.list.map((a) => `* ${a.name}:\n    ${a.description}\n`).join('');
  return render(r);
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
