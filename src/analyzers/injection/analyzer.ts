import type { Snapshot } from '../../analysis/snapshot.js';
import { defineAnalyzer } from '../../analysis/types.js';
import { get } from '../../util/objects.js';
import { SYSTEM_NAMESPACES } from '../util/mesh.js';
import {
  allContainers,
  configMapsNamed,
  DATAPLANE_MODE_LABEL,
  INJECTION_LABEL,
  injectorConfigMapName,
  injectorValues,
  proxyImageOf,
  REVISION_LABEL,
  SIDECAR_INJECT,
} from '../util/injection.js';

/**
 * upstream injection/injection.go. Namespace checks need only Namespaces; the injector ConfigMap
 * (for `enableNamespacesByDefault`) and Pods are read when the input has them.
 */
export default defineAnalyzer({
  name: 'injection.Analyzer',
  description: 'Checks conditions related to Istio sidecar injection',
  inputs: ['Namespace'],
  optionalInputs: ['Pod', 'ConfigMap'],
  messages: ['NamespaceMultipleInjectionLabels', 'NamespaceInjectionEnabledByDefault', 'NamespaceNotInjected', 'PodMissingProxy'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const injected = new Set<string>();
    for (const ns of snapshot.list('Namespace')) {
      if (ns.name === ctx.istioNamespace || SYSTEM_NAMESPACES.has(ns.name)) continue;
      const labels = ns.labels;
      const hasInjection = INJECTION_LABEL in labels;
      const injection = labels[INJECTION_LABEL] ?? '';
      const hasRevision = REVISION_LABEL in labels;

      // istio.io/rev and the ambient label only compete with istio-injection when the latter does
      // not switch injection off: "istio-injection=disabled" next to them is a deliberate opt-out.
      const istioLabels: string[] = [];
      if (hasInjection) istioLabels.push(`${INJECTION_LABEL}=${injection}`);
      for (const l of [REVISION_LABEL, DATAPLANE_MODE_LABEL]) {
        if (l in labels && (!hasInjection || injection === 'enabled')) istioLabels.push(`${l}=${labels[l]}`);
      }
      if (istioLabels.length > 1) {
        ctx.report({ resource: ns, message: 'NamespaceMultipleInjectionLabels', args: [istioLabels], path: ['metadata', 'labels'] });
      }
      if (labels[DATAPLANE_MODE_LABEL] === 'ambient') continue;

      if (injection === '' && !hasRevision) {
        // With sidecarInjectorWebhook.enableNamespacesByDefault the webhook injects unlabelled
        // namespaces too, so "not injected" would be wrong.
        if (enableNamespacesByDefault(ctx.snapshot)) {
          ctx.report({ resource: ns, message: 'NamespaceInjectionEnabledByDefault', path: ['metadata', 'name'] });
        } else {
          ctx.report({ resource: ns, message: 'NamespaceNotInjected', args: [ns.name, ns.name], path: ['metadata', 'name'] });
        }
        continue;
      }
      if (injection !== 'enabled') continue;
      injected.add(ns.name);
    }

    for (const pod of snapshot.list('Pod')) {
      // Made-up pods are skipped: a workload template never contains the sidecar (the webhook adds
      // it when the pod is created), and the default ingress pod is not the user's.
      if (pod.synthetic) continue;
      if (!injected.has(pod.namespace)) continue;
      // The label wins over the deprecated annotation.
      const inject = pod.labels[SIDECAR_INJECT] ?? pod.annotations[SIDECAR_INJECT] ?? '';
      if (inject.toLowerCase() === 'false') continue;
      if (get(pod.object, 'spec', 'hostNetwork') === true) continue;
      if (proxyImageOf(allContainers(get(pod.object, 'spec'))) === '') {
        ctx.report({ resource: pod, message: 'PodMissingProxy', args: [`${pod.namespace}/${pod.name}`] });
      }
    }
  },
});

/**
 * `sidecarInjectorWebhook.enableNamespacesByDefault` from the default-revision injector ConfigMap
 * (namespaces without istio-injection / istio.io/rev labels are only served by that revision).
 */
function enableNamespacesByDefault(snapshot: Snapshot): boolean {
  for (const cm of configMapsNamed(snapshot, injectorConfigMapName(''))) {
    const v = injectorValues(cm);
    return get(v, 'sidecarInjectorWebhook', 'enableNamespacesByDefault') === true;
  }
  return false;
}
