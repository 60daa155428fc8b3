import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { get } from '../../util/objects.js';
import { matchesLabels } from '../util/selector.js';
import { hasTargetRef, policyMatchLabels } from '../util/workload.js';

/** Label istiod puts on the pods of a Gateway API gateway it deploys. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

const POLICY_KINDS = ['AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'WasmPlugin'] as const;

export default defineAnalyzer({
  name: 'k8sgateway.SelectorAnalyzer',
  description: 'Check that selectors are effective for Kubernetes gateway',
  inputs: [...POLICY_KINDS],
  // Without pods in the input no gateway deployment is known, so nothing can be reported.
  optionalInputs: ['Pod'],
  messages: ['IneffectiveSelector'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const gatewayPods = new Map<string, Resource[]>();
    for (const pod of snapshot.list('Pod')) {
      if (pod.labels[GATEWAY_NAME_LABEL] === undefined) continue;
      gatewayPods.set(pod.namespace, [...(gatewayPods.get(pod.namespace) ?? []), pod]);
    }
    if (gatewayPods.size === 0) return;
    for (const kind of POLICY_KINDS) {
      for (const policy of snapshot.list(kind)) {
        // Policies for Gateway API gateways must attach with targetRef: a selector that happens
        // to match the generated deployment's labels is not honoured for them.
        if (hasTargetRef(policy) || get(policy.object, 'spec', 'selector') == null) continue;
        const selector = policyMatchLabels(policy);
        const reported = new Set<string>();
        for (const pod of gatewayPods.get(policy.namespace) ?? []) {
          const gateway = pod.labels[GATEWAY_NAME_LABEL]!;
          if (reported.has(gateway) || !matchesLabels(selector, pod.labels)) continue;
          reported.add(gateway);
          ctx.report({ resource: policy, message: 'IneffectiveSelector', args: [gateway], path: ['spec', 'selector'] });
        }
      }
    }
  },
});
