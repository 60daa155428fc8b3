import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { get } from '../../util/objects.js';
import { hasTargetRef } from '../util/workload.js';

export default defineAnalyzer({
  name: 'telemetry.DefaultSelectorAnalyzer',
  description: "Validates that there aren't multiple telemetry resources that have no selector",
  inputs: ['Telemetry'],
  messages: ['MultipleTelemetriesWithoutWorkloadSelectors'],
  analyze(ctx) {
    const byNamespace = new Map<string, Resource[]>();
    for (const t of ctx.snapshot.list('Telemetry')) {
      // A Telemetry bound with targetRef(s) applies to that gateway/service only, so it is not
      // a namespace-wide default even without a selector.
      if (get(t.object, 'spec', 'selector') != null || hasTargetRef(t)) continue;
      byNamespace.set(t.namespace, [...(byNamespace.get(t.namespace) ?? []), t]);
    }
    for (const [ns, list] of byNamespace) {
      if (list.length < 2) continue;
      // istiod applies only one namespace-wide Telemetry; which one is undefined.
      const names = list.map((t) => t.name).sort();
      for (const t of list) {
        ctx.report({ resource: t, message: 'MultipleTelemetriesWithoutWorkloadSelectors', args: [names, ns], path: ['metadata', 'name'] });
      }
    }
  },
});
