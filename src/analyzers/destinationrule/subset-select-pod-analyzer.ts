import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asRecord, asString, asStringMap, get } from '../../util/objects.js';
import { matchesLabels } from '../util/selector.js';
import { buildServiceRegistry, lookupDestinationHost, mayBeKubernetesService } from '../util/service-registry.js';

/**
 * Node labels Istio copies onto endpoints (pilot's AugmentLabels), so subsets can select by
 * locality; the node name becomes kubernetes.io/hostname.
 */
const TOPOLOGY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** A pod's labels as an endpoint carries them: its own plus its node's topology. */
function endpointLabels(pod: Resource, nodes: ReadonlyMap<string, Labels>): Labels {
  const out: Labels = { ...pod.labels };
  const nodeName = asString(get(pod.object, 'spec', 'nodeName'));
  const node = nodeName ? nodes.get(nodeName) : undefined;
  if (!node) return out;
  // An empty topology value on the node is not a locality; it is not copied.
  for (const k of TOPOLOGY_LABELS) if (node[k]) out[k] = node[k];
  out[HOSTNAME_LABEL] = nodeName;
  return out;
}

export const subsetSelectPodAnalyzer = defineAnalyzer({
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  inputs: ['DestinationRule', 'ServiceEntry'],
  // Offline a GitOps repo may hold neither the Services nor the workloads a DestinationRule
  // refers to: without Pods no subset is called empty, and without Services only hosts that
  // cannot be Kubernetes Services are called unknown.
  optionalInputs: ['Pod', 'Service', 'Node'],
  messages: ['DestinationRuleSubsetNotSelectPods', 'UnknownDestinationRuleHost'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const registry = buildServiceRegistry(snapshot);
    const servicesKnown = snapshot.isAvailable('Service');
    const podsKnown = snapshot.isAvailable('Pod');
    const nodes = new Map<string, Labels>(snapshot.list('Node').map((n) => [n.name, n.labels]));
    const endpoints = podsKnown ? snapshot.list('Pod').map((p) => endpointLabels(p, nodes)) : [];

    for (const dr of snapshot.list('DestinationRule')) {
      const spec = asRecord(dr.object.spec);
      const host = asString(spec.host);
      const svc = lookupDestinationHost(registry, dr.namespace, asArray(spec.exportTo).map(String), host);
      if (!svc) {
        if (servicesKnown || !mayBeKubernetesService(host)) {
          ctx.report({ resource: dr, message: 'UnknownDestinationRuleHost', args: [host], path: ['spec', 'host'] });
        }
        continue;
      }
      if (!podsKnown) continue;
      asArray(spec.subsets).forEach((s, i) => {
        const subset = asRecord(s);
        const selector = { ...svc.workloadSelector, ...asStringMap(subset.labels) };
        if (endpoints.some((labels) => matchesLabels(selector, labels))) return;
        ctx.report({
          resource: dr,
          message: 'DestinationRuleSubsetNotSelectPods',
          args: [asString(subset.name)],
          path: ['spec', 'subsets', i, 'name'],
        });
      });
    }
  },
});
