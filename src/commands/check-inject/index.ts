import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

// Flags and help only; the checker is imported when the command runs (start-up time).
export const checkInjectFlags = flagTable({
  labels: { kind: 'string', flags: '-l, --labels <pairs>', description: 'labels of a pod not created yet, e.g. app=web,version=v1 (namespace from -n or namespace/<name>)' },
  filename: { kind: 'list', flags: '-f, --filename <file>', description: 'offline: read MutatingWebhookConfigurations, Namespaces, workloads and istio-sidecar-injector ConfigMaps from files ("-" for stdin; repeatable)' },
});
export type CheckInjectFlags = FlagValues<typeof checkInjectFlags>;
export const CHECK_INJECT_FORMATS = ['table', 'json'] as const;
export type CheckInjectFormat = (typeof CHECK_INJECT_FORMATS)[number];

export const checkInjectCommand = defineCommand({
  name: 'check-inject',
  description: 'Explain which injection webhook (revision, tag) would inject a pod, and why or why not, rule by rule',
  args: [{ name: '[target]', description: 'pod as [<type>/]<name>[.<namespace>] (deployment/x, sts/x... use the pod template), or namespace/<name> with -l' }],
  flags: checkInjectFlags,
  formats: CHECK_INJECT_FORMATS,
  help: `
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
  load: async () => (await import('./action.js')).implementation,
});
