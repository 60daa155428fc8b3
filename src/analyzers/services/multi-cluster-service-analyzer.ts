import type { Snapshot } from '../../analysis/snapshot.js';
import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asObjects, asString, get } from '../../util/objects.js';

/** The parts of a Service that must agree across clusters for one mesh-wide service. */
function shape(svc: Resource): { type: string; headless: boolean; ports: string } {
  const ports = asObjects(get(svc.object, 'spec', 'ports'))
    .map((p) => `${asString(p.name) || '<unnamed>'}:${String(p.port ?? '')}/${asString(p.protocol) || 'TCP'}`)
    .sort();
  return {
    type: asString(get(svc.object, 'spec', 'type')) || 'ClusterIP',
    headless: asString(get(svc.object, 'spec', 'clusterIP')) === 'None',
    ports: `[${ports.join(' ')}]`,
  };
}

/**
 * upstream multicluster/service.go: a Service with the same namespace and name in several clusters
 * is one service to the mesh (endpoints are merged), so its type, headlessness and ports must agree.
 * Runs across the clusters of `analyze --remote-contexts`; with one cluster there is nothing to compare.
 */
export const multiClusterServiceAnalyzer = defineAnalyzer({
  name: 'services.MultiClusterServiceAnalyzer',
  description: 'Check the validity of services in the multi-cluster environment',
  inputs: ['Service'],
  messages: ['MultiClusterInconsistentService'],
  analyze(ctx) {
    if (!ctx.clusters) return;
    const byName = new Map<string, { cluster: string; svc: Resource }[]>();
    const add = (cluster: string, snapshot: Snapshot) => {
      for (const svc of snapshot.list('Service')) {
        if (svc.synthetic) continue;
        const key = `${svc.namespace}/${svc.name}`;
        byName.set(key, [...(byName.get(key) ?? []), { cluster, svc }]);
      }
    };
    add(ctx.clusters.primary, ctx.snapshot);
    for (const [name, snap] of [...ctx.clusters.remotes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) add(name, snap);
    for (const list of byName.values()) {
      if (list.length < 2) continue;
      const [first, ...rest] = list as [(typeof list)[number], ...typeof list];
      const base = shape(first.svc);
      const clusters = new Set<string>();
      const reasons = new Set<string>();
      for (const { cluster, svc } of rest) {
        const s = shape(svc);
        if (s.type !== base.type) reasons.add(`service type ${s.type} is different from ${base.type} in cluster ${first.cluster}`);
        if (s.headless !== base.headless) reasons.add(`service ${s.headless ? 'is' : 'is not'} headless, unlike in cluster ${first.cluster}`);
        if (s.ports !== base.ports) reasons.add(`service ports ${s.ports} are different from ${base.ports} in cluster ${first.cluster}`);
        if (s.type !== base.type || s.headless !== base.headless || s.ports !== base.ports) clusters.add(cluster);
      }
      if (clusters.size === 0) continue;
      clusters.add(first.cluster);
      ctx.report({
        resource: first.svc,
        message: 'MultiClusterInconsistentService',
        args: [first.svc.name, first.svc.namespace, [...clusters].sort(), [...reasons].sort().join('; ')],
      });
    }
  },
});
