import { Option, type Command } from 'commander';
import type { Bind, CommandModule } from '../../cli/command.js';

// Flags and help only; the injector is imported when the command runs (start-up time).
export const kubeInjectCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('kube-inject')
      .description("Inject the Istio sidecar into Kubernetes workload manifests (the cluster's injection settings, or built-in ones offline)")
      .option('-f, --filename <file>', 'input Kubernetes resource file, or "-" for stdin')
      .option('--set <path=value>', 'override an injection value, e.g. values.global.proxy.logLevel=debug (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
      .option('--meshConfigFile <file>', 'MeshConfig file (or a ConfigMap "istio" with data.mesh) layered on the defaults')
      .option('--injectConfigFile <file>', 'injector config file (data.config of istio-sidecar-injector, the whole ConfigMap, or a bare sidecar template)')
      .option('--valuesFile <file>', 'injection values file (data.values of istio-sidecar-injector, or the whole ConfigMap)')
      .option('--operatorFileName <file>', 'IstioOperator whose spec.values, spec.meshConfig, hub and tag give the injection settings')
      .option('-r, --revision <rev>', 'control plane revision the sidecar connects to')
      .option('--offline', 'use the built-in injection settings; never contact the cluster (the default when no kubeconfig is found)')
      .addOption(new Option('--native-sidecars <mode>', 'run istio-proxy as a native sidecar (init container with restartPolicy: Always); auto: with a cluster, yes if every node runs kubelet >= 1.33; with --injectConfigFile/--valuesFile/--operatorFileName, as istioctl, only if ENABLE_NATIVE_SIDECARS=true; with the built-in settings, yes unless ENABLE_NATIVE_SIDECARS=false').choices(['auto', 'true', 'false']).default('auto'))
      .addHelpText(
        'after',
        `
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
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).run(ctx, cmd)));
  },
};
