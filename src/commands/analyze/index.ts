import { Option, type Command } from 'commander';
import { collect, parseBoolFlag } from '../../cli/flags.js';
import type { Bind, CommandModule } from '../../cli/command.js';

import { OUTPUTS } from './formats.js';

// Registration only: flags and help. The implementation is imported when the command runs, so
// `istio-ts --version` and other commands do not pay for the analyzers.

export const analyzeCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('analyze')
      .description('Analyze Istio configuration and report problems (files offline, or the live cluster)')
      .argument('[files...]', 'files or directories to analyze; "-" reads stdin')
      .addOption(new Option('-k, --use-kube [bool]', 'use the live cluster (default: true when no files are given, false with files)').argParser(parseBoolFlag('--use-kube')))
      .option('-A, --all-namespaces', 'analyze all namespaces; objects without a namespace stay namespace-less', false)
      .option('-R, --recursive', 'descend into directories recursively', false)
      .option('--output-threshold <level>', 'lowest level printed: Info, Warning, Error, None', 'Info')
      .option('--failure-threshold <level>', 'lowest level that makes the exit code 79: Info, Warning, Error, None', 'Error')
      .option('-S, --suppress <code=resource>', 'suppress messages, e.g. "IST0102=Namespace frod" or "IST0107=Pod default/*" (repeatable)', collect, [])
      .option('--analyzer <name>', 'run only this analyzer (repeatable); see --list-analyzers', collect, [])
      .option('-L, --list-analyzers', 'list the analyzers and exit', false)
      .option('--meshConfigFile <file>', 'MeshConfig YAML to use instead of the default (or the cluster\'s)')
      .option('--ignore-unknown', 'do not fail (exit 65) on documents that do not parse', false)
      .option('--closed-world', 'the files are the whole world: a kind they do not hold has no objects, so subsets selecting no pod (IST0173), unknown hosts (IST0174) and gateways selecting no workload (IST0101) are reported even without Pods or Services in the input (offline only; also ISTIO_TS_CLOSED_WORLD=true)', false)
      .option('--explain <code>', 'print the documentation of a message code (e.g. ITS0009 or IST0101) and exit')
      .option('--no-default-resources', 'do not assume the default istio-ingressgateway Pod and Service exist')
      .option('--remote-contexts <ctx>', 'kubeconfig contexts of the other clusters of a multi-cluster mesh, compared by services.MultiClusterServiceAnalyzer (repeatable or comma-separated; live only)', collect, [])
      .option('-r, --revision <rev>', 'control-plane revision whose mesh config (ConfigMap istio-<rev>) applies in live mode')
      .option('-v, --verbose', 'print which analyzers ran, which were skipped and why, to stderr', false)
      .addHelpText(
        'after',
        `
Output formats (-o): ${OUTPUTS.join(', ')}. The exit code is the same in every format.

Exit codes: 0 no finding at --failure-threshold; 79 findings at or above it; 65 some document did
not parse (reported with file:line, the rest analyzed); 66 an input file is missing; 64 usage.

Offline (files), istio-ts keeps Pods, Services, Namespaces and Secrets found in the files and makes
a Pod from every workload template (Deployment, StatefulSet, …), so selector-based analyzers work
on a GitOps repository. Analyzers that need a kind the input does not have are skipped (-v says why),
and a kind the input does not hold counts as unknown, not empty: a subset with no Pods in the files is
not reported. With --closed-world (or ISTIO_TS_CLOSED_WORLD=true) the files are the whole world, as
in istioctl's own analyzer tests: every kind they do not hold has no objects.

Examples:
  istio-ts analyze -R manifests/                        # lint a directory tree, no cluster
  istio-ts analyze -A -o sarif -R manifests/ > a.sarif  # for GitHub code scanning
  kustomize build overlays/prod | istio-ts analyze -    # stdin
  istio-ts analyze -S "IST0102=Namespace kube-*" -R .   # suppress with globs
  istio-ts analyze --closed-world -A -R rendered/       # a complete rendered release
  istio-ts analyze --explain ITS0009                    # what a finding means and how to fix it`,
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runAnalyze(ctx, cmd)));
  },
};

