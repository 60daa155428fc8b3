import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';
import { OUTPUTS } from './formats.js';

// Registration only: flags and help. The implementation is imported when the command runs, so
// `istio-ts --version` and other commands do not pay for the analyzers.

export const analyzeFlags = flagTable({
  useKube: { kind: 'bool', flags: '-k, --use-kube [bool]', description: 'use the live cluster (default: true when no files are given, false with files)' },
  allNamespaces: { kind: 'switch', flags: '-A, --all-namespaces', description: 'analyze all namespaces; objects without a namespace stay namespace-less', default: false },
  recursive: { kind: 'switch', flags: '-R, --recursive', description: 'directories are always read recursively, as istioctl now does; the flag is kept for existing scripts', default: false },
  // Levels are parsed by parseThreshold (its message names the levels).
  outputThreshold: { kind: 'string', flags: '--output-threshold <level>', description: 'lowest level printed: Info, Warning, Error, None', default: 'Info' },
  failureThreshold: { kind: 'string', flags: '--failure-threshold <level>', description: 'lowest level that makes the exit code 79: Info, Warning, Error, None', default: 'Error' },
  suppress: { kind: 'list', flags: '-S, --suppress <code=resource>', description: 'suppress messages, e.g. "IST0102=Namespace frod" or "IST0107=Pod default/*" (repeatable)' },
  analyzer: { kind: 'list', flags: '--analyzer <name>', description: 'run only this analyzer (repeatable); see --list-analyzers' },
  listAnalyzers: { kind: 'switch', flags: '-L, --list-analyzers', description: 'list the analyzers and exit', default: false },
  meshConfigFile: { kind: 'string', flags: '--meshConfigFile <file>', description: "MeshConfig YAML to use instead of the default (or the cluster's)" },
  ignoreUnknown: { kind: 'switch', flags: '--ignore-unknown', description: 'do not fail (exit 65) on documents that do not parse', default: false },
  closedWorld: {
    kind: 'switch',
    flags: '--closed-world',
    description:
      'the files are the whole world: a kind they do not hold has no objects, so subsets selecting no pod (IST0173), unknown hosts (IST0174) and gateways selecting no workload (IST0101) are reported even without Pods or Services in the input (offline only; also ISTIO_TS_CLOSED_WORLD=true)',
    default: false,
  },
  explain: { kind: 'string', flags: '--explain <code>', description: 'print the documentation of a message code (e.g. ITS0009 or IST0101) and exit' },
  defaultResources: { kind: 'switch', flags: '--no-default-resources', description: 'do not assume the default istio-ingressgateway Pod and Service exist' },
  remoteContexts: {
    kind: 'list',
    flags: '--remote-contexts <ctx>',
    description: 'kubeconfig contexts of the other clusters of a multi-cluster mesh, compared by services.MultiClusterServiceAnalyzer (repeatable or comma-separated; live only)',
  },
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'control-plane revision whose mesh config (ConfigMap istio-<rev>) applies in live mode' },
  verbose: { kind: 'switch', flags: '-v, --verbose', description: 'print which analyzers ran, which were skipped and why, to stderr', default: false },
});
export type AnalyzeFlags = FlagValues<typeof analyzeFlags>;

export const analyzeCommand = defineCommand({
  name: 'analyze',
  description: 'Analyze Istio configuration and report problems (files offline, or the live cluster)',
  args: [{ name: '[files...]', description: 'files or directories to analyze; "-" reads stdin' }],
  flags: analyzeFlags,
  formats: OUTPUTS,
  help: `
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
  load: async () => (await import('./action.js')).implementation,
});
