import { Option, type Command } from 'commander';
import { allAnalyzers } from '../../analyzers/index.js';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../cli/errors.js';
import type { Bind, CommandModule } from '../../cli/program.js';
import { VERSION } from '../../cli/version.js';
import { renderGithub, renderJson, renderJunit, renderLog, renderSarif, renderYaml } from '../../output/diagnostics.js';
import { painter } from '../../output/paint.js';
import { OUTPUTS, parseSuppressions, parseThreshold, reaches, type AnalyzeOutput } from './options.js';
import { analyzeFiles, exitCodeFor, type AnalyzeResult } from './run.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function parseBool(flag: string) {
  return (v: string | undefined): boolean => {
    if (v === undefined) return true;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    throw new UsageError(`${flag}: expected true or false, got "${v}"`);
  };
}

export const analyzeCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('analyze')
      .description('Analyze Istio configuration and report problems (files offline, or the live cluster)')
      .argument('[files...]', 'files or directories to analyze; "-" reads stdin')
      .addOption(new Option('-k, --use-kube [bool]', 'use the live cluster (default: true when no files are given, false with files)').argParser(parseBool('--use-kube')))
      .option('-A, --all-namespaces', 'analyze all namespaces; objects without a namespace stay namespace-less', false)
      .option('-R, --recursive', 'descend into directories recursively', false)
      .option('--output-threshold <level>', 'lowest level printed: Info, Warning, Error, None', 'Info')
      .option('--failure-threshold <level>', 'lowest level that makes the exit code 79: Info, Warning, Error, None', 'Error')
      .option('-S, --suppress <code=resource>', 'suppress messages, e.g. "IST0102=Namespace frod" or "IST0107=Pod default/*" (repeatable)', collect, [])
      .option('--analyzer <name>', 'run only this analyzer (repeatable); see --list-analyzers', collect, [])
      .option('-L, --list-analyzers', 'list the analyzers and exit', false)
      .option('--meshConfigFile <file>', 'MeshConfig YAML to use instead of the default (or the cluster\'s)')
      .option('--ignore-unknown', 'do not fail (exit 65) on documents that do not parse', false)
      .option('--no-default-resources', 'do not assume the default istio-ingressgateway Pod and Service exist')
      .option('-v, --verbose', 'print which analyzers ran, which were skipped and why, to stderr', false)
      .addHelpText(
        'after',
        `
Output formats (-o): ${OUTPUTS.join(', ')}. The exit code is the same in every format.

Exit codes: 0 no finding at --failure-threshold; 79 findings at or above it; 65 some document did
not parse (reported with file:line, the rest analyzed); 66 an input file is missing; 64 usage.

Offline (files), istio-ts keeps Pods, Services, Namespaces and Secrets found in the files and makes
a Pod from every workload template (Deployment, StatefulSet, …), so selector-based analyzers work
on a GitOps repository. Analyzers that need a kind the input does not have are skipped (-v says why).

Examples:
  istio-ts analyze -R manifests/                        # lint a directory tree, no cluster
  istio-ts analyze -A -o sarif -R manifests/ > a.sarif  # for GitHub code scanning
  kustomize build overlays/prod | istio-ts analyze -    # stdin
  istio-ts analyze -S "IST0102=Namespace kube-*" -R .   # suppress with globs`,
      )
      .action(bind(runAnalyze));
  },
};

async function runAnalyze(ctx: CommandContext, cmd: Command): Promise<number> {
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
  };
  const files = cmd.args;
  // Validate everything before reading any input (and before any cluster call).
  const format = ctx.outputFormat<AnalyzeOutput>(OUTPUTS, 'log');
  const outputThreshold = parseThreshold('--output-threshold', o.outputThreshold);
  const failureThreshold = parseThreshold('--failure-threshold', o.failureThreshold);
  const suppressions = parseSuppressions(o.suppress, (w) => ctx.err(`Warning: ${w}\n`));
  if (o.listAnalyzers) {
    for (const a of allAnalyzers) ctx.out(`* ${a.name}:\n    ${a.description}\n`);
    return 0;
  }
  const useKube = o.useKube ?? files.length === 0;
  if (useKube) {
    throw new UsageError(
      'live-cluster analysis is not available yet in this build of istio-ts',
      'Pass files or directories to analyze them offline, e.g. "istio-ts analyze -R manifests/".',
    );
  }
  if (files.length === 0) throw new UsageError('no files to analyze', 'Pass files or directories, or "-" for stdin.');
  const namespace = ctx.globals.namespace ?? 'default';
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
    readStdin: ctx.io.readStdin,
  });
  for (const p of result.problems.filter((p) => p.type === 'io')) ctx.err(`Error: ${p.file}: ${p.message}\n`);
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
      else if (result.diagnostics.length === 0 && result.problems.length === 0) {
        ctx.err(`${painter(ctx.color).ok('✔')} No validation issues found when analyzing ${target}.\n`);
      }
    }
  }
  const code = exitCodeFor(result, failureThreshold, o.ignoreUnknown);
  if (code === 79 && format === 'log') {
    ctx.err(`Error: Analyzers found issues when analyzing ${o.allNamespaces ? 'all namespaces' : `namespace: ${namespace}`}.\n`);
    ctx.err('See https://istio.io/latest/docs/reference/config/analysis for more information about causes and resolutions.\n');
  }
  if (code === 65 && format === 'log') ctx.err("Error: Some files couldn't be parsed.\n");
  return code;
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
