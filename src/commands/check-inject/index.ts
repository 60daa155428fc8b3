import type { Command } from 'commander';
import type { Bind, CommandModule } from '../../cli/program.js';

// Flags and help only; the checker is imported when the command runs (start-up time).
export const checkInjectCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('check-inject')
      .description('Explain which injection webhook (revision, tag) would inject a pod, and why or why not, rule by rule')
      .argument('[target]', 'pod as [<type>/]<name>[.<namespace>] (deployment/x, sts/x... use the pod template), or namespace/<name> with -l')
      .option('-l, --labels <pairs>', 'labels of a pod not created yet, e.g. app=web,version=v1 (namespace from -n or namespace/<name>)')
      .option('-f, --filename <file>', 'offline: read MutatingWebhookConfigurations, Namespaces, workloads and istio-sidecar-injector ConfigMaps from files ("-" for stdin; repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
      .addHelpText(
        'after',
        `
Two gates decide: the API server calls a webhook when its namespaceSelector matches the
namespace labels and its objectSelector the pod labels; istiod then skips hostNetwork pods,
kube-system/kube-public/kube-node-lease/local-path-storage, sidecar.istio.io/inject=false
(label or annotation), neverInjectSelector, and, with policy: disabled, pods that do not ask.

-o json prints the verdicts as JSON (default: a table WEBHOOK REVISION INJECTED REASON).

Examples:
  istio-ts check-inject productpage-v1-7d4b8c9f-x2x7q.bookinfo
  istio-ts check-inject deployment/reviews-v2 -n bookinfo
  istio-ts check-inject -n bookinfo -l app=ratings,version=v1
  # CI, no cluster: every workload in app.yaml against the webhooks in webhooks.yaml
  istio-ts check-inject -f webhooks.yaml -f namespaces.yaml -f app.yaml`,
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).run(ctx, cmd)));
  },
};
