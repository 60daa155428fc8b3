import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

// Flags and help only; the injector is imported when the command runs (start-up time).
export const kubeInjectFlags = flagTable({
  filename: { kind: 'string', flags: '-f, --filename <file>', description: 'input Kubernetes resource file, or "-" for stdin' },
  set: { kind: 'list', flags: '--set <path=value>', description: 'override an injection value, e.g. values.global.proxy.logLevel=debug (repeatable)' },
  meshConfigFile: { kind: 'string', flags: '--meshConfigFile <file>', description: 'MeshConfig file (or a ConfigMap "istio" with data.mesh) layered on the defaults' },
  injectConfigFile: { kind: 'string', flags: '--injectConfigFile <file>', description: 'injector config file (data.config of istio-sidecar-injector, the whole ConfigMap, or a bare sidecar template)' },
  valuesFile: { kind: 'string', flags: '--valuesFile <file>', description: 'injection values file (data.values of istio-sidecar-injector, or the whole ConfigMap)' },
  operatorFileName: { kind: 'string', flags: '--operatorFileName <file>', description: 'IstioOperator whose spec.values, spec.meshConfig, hub and tag give the injection settings' },
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'control plane revision the sidecar connects to' },
  offline: { kind: 'switch', flags: '--offline', description: 'use the built-in injection settings; never contact the cluster (the default when no kubeconfig is found)' },
  nativeSidecars: {
    kind: 'enum',
    flags: '--native-sidecars <mode>',
    description:
      'run istio-proxy as a native sidecar (init container with restartPolicy: Always); auto: with a cluster, yes if every node runs kubelet >= 1.33; with --injectConfigFile/--valuesFile/--operatorFileName, as istioctl, only if ENABLE_NATIVE_SIDECARS=true; with the built-in settings, yes unless ENABLE_NATIVE_SIDECARS=false',
    choices: ['auto', 'true', 'false'],
    default: 'auto',
  },
});
export type KubeInjectFlags = FlagValues<typeof kubeInjectFlags>;

export const kubeInjectCommand = defineCommand({
  name: 'kube-inject',
  description: "Inject the Istio sidecar into Kubernetes workload manifests (the cluster's injection settings, or built-in ones offline)",
  flags: kubeInjectFlags,
  // istioctl's -o/--output is the file to write for kube-inject; the result is YAML.
  formats: ['yaml'],
  outputIsFile: true,
  help: `
-o/--output FILE writes the result to FILE instead of stdout.

Settings: --injectConfigFile/--valuesFile/--operatorFileName if given; else, with a
kubeconfig, the cluster's ConfigMaps istio-sidecar-injector[-REV] and istio[-REV] in the
Istio namespace (-i); else (or with --offline) the built-in settings of the default profile.

Examples:
  istio-ts kube-inject -f deployment.yaml | kubectl apply -f -
  istio-ts kube-inject -f deployment.yaml -o deployment-injected.yaml
  istio-ts kube-inject -f deployment.yaml --offline          # CI: never ask the cluster
  istio-ts kube-inject -f - --set values.global.proxy.logLevel=debug < app.yaml
  istio-ts kube-inject -f app.yaml --injectConfigFile inject-config.yaml --valuesFile inject-values.yaml --meshConfigFile mesh.yaml`,
  load: async () => (await import('./action.js')).implementation,
});
