import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asStringMap, get } from '../../util/objects.js';
import { selectorString } from '../util/selector.js';
import { namespaceInAmbientMode, podDisplayName, podInAmbientMode, podsMatching, selectorLabelPath } from '../util/workload.js';

export default defineAnalyzer({
  name: 'sidecar.SelectorAnalyzer',
  description:
    'Validates that sidecars that define a workload selector match at least one pod, and that there ' +
    "aren't multiple sidecar resources that select overlapping pods",
  inputs: ['Sidecar'],
  // Selector-less Sidecars are checked from config alone; pod matching needs pods in the input,
  // and ambient namespaces need the Namespace objects.
  optionalInputs: ['Pod', 'Namespace'],
  messages: ['ReferencedResourceNotFound', 'ConflictingSidecarWorkloadSelectors', 'MultipleSidecarsWithoutWorkloadSelectors', 'IneffectivePolicy'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const byPod = new Map<Resource, Resource[]>();
    const byNamespace = new Map<string, Resource[]>();
    for (const sc of snapshot.list('Sidecar')) {
      const selector = asStringMap(get(sc.object, 'spec', 'workloadSelector', 'labels'));
      if (Object.keys(selector).length === 0) {
        const list = byNamespace.get(sc.namespace) ?? [];
        list.push(sc);
        byNamespace.set(sc.namespace, list);
        continue;
      }
      // A Sidecar only applies to workloads in its own namespace.
      const pods = podsMatching(snapshot, selector, sc.namespace);
      for (const p of pods) byPod.set(p, [...(byPod.get(p) ?? []), sc]);
      if (pods.length === 0 && snapshot.isAvailable('Pod')) {
        ctx.report({
          resource: sc,
          message: 'ReferencedResourceNotFound',
          args: ['selector', selectorString(selector)],
          path: selectorLabelPath(['spec', 'workloadSelector', 'labels'], selector),
        });
      }
    }

    const ineffective = new Set<Resource>();
    const reportIneffective = (sc: Resource, reason: string) => {
      if (ineffective.has(sc)) return;
      ineffective.add(sc);
      ctx.report({ resource: sc, message: 'IneffectivePolicy', args: [reason], path: ['metadata', 'name'] });
    };

    for (const [pod, sidecars] of byPod) {
      // An ambient pod has no sidecar proxy to configure: the Sidecar does nothing there.
      if (podInAmbientMode(pod)) {
        for (const sc of sidecars) reportIneffective(sc, 'selected workload is in ambient mode, the policy has no impact');
        continue;
      }
      if (sidecars.length < 2) continue;
      const names = sidecars.map((s) => s.name);
      for (const sc of sidecars) {
        ctx.report({
          resource: sc,
          message: 'ConflictingSidecarWorkloadSelectors',
          args: [names, pod.namespace, podDisplayName(pod)],
          path: ['metadata', 'name'],
        });
      }
    }

    for (const [ns, sidecars] of byNamespace) {
      if (namespaceInAmbientMode(snapshot.get('Namespace', '', ns))) {
        for (const sc of sidecars) reportIneffective(sc, 'namespace is in ambient mode, the policy has no impact');
        continue;
      }
      if (sidecars.length < 2) continue;
      // istiod picks one of several namespace-wide Sidecars arbitrarily.
      const names = sidecars.map((s) => s.name);
      for (const sc of sidecars) {
        ctx.report({ resource: sc, message: 'MultipleSidecarsWithoutWorkloadSelectors', args: [names, ns], path: ['metadata', 'name'] });
      }
    }
  },
});
