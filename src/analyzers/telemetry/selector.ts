import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { selectorString } from '../util/selector.js';
import { podDisplayName, podsMatching, policyMatchLabels, selectorLabelPath } from '../util/workload.js';

export default defineAnalyzer({
  name: 'telemetry.SelectorAnalyzer',
  description:
    "Validates that telemetries that define a selector match at least one pod, and that there aren't " +
    'multiple telemetry resources that select overlapping pods',
  inputs: ['Telemetry'],
  // Offline, only pods from the input (and workload templates) can be matched; a selector is
  // called dangling only when the input lists pods at all.
  optionalInputs: ['Pod'],
  messages: ['ReferencedResourceNotFound', 'ConflictingTelemetryWorkloadSelectors'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const byPod = new Map<Resource, Resource[]>();
    for (const t of snapshot.list('Telemetry')) {
      const selector = policyMatchLabels(t);
      if (Object.keys(selector).length === 0) continue;
      const pods = podsMatching(snapshot, selector, t.namespace);
      for (const p of pods) byPod.set(p, [...(byPod.get(p) ?? []), t]);
      if (pods.length === 0 && snapshot.isAvailable('Pod')) {
        ctx.report({
          resource: t,
          message: 'ReferencedResourceNotFound',
          args: ['selector', selectorString(selector)],
          path: selectorLabelPath(['spec', 'selector', 'matchLabels'], selector),
        });
      }
    }
    for (const [pod, telemetries] of byPod) {
      if (telemetries.length < 2) continue;
      const names = telemetries.map((t) => t.name).sort();
      for (const t of telemetries) {
        ctx.report({
          resource: t,
          message: 'ConflictingTelemetryWorkloadSelectors',
          args: [names, pod.namespace, podDisplayName(pod)],
          path: ['metadata', 'name'],
        });
      }
    }
  },
});
