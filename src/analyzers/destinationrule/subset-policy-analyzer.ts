import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, asString } from '../../util/objects.js';
import { hostMatches, toFqdn } from '../util/host.js';
import { mirrorDestinations, routeDestinations } from '../util/vs-destinations.js';

export const subsetPolicyAnalyzer = defineAnalyzer({
  name: 'destinationrule.SubsetPolicyAnalyzer',
  description: 'Checks that subsets with their own trafficPolicy are the target of some VirtualService route',
  inputs: ['DestinationRule', 'VirtualService'],
  messages: ['SubsetTrafficPolicyNotActivated'],
  analyze(ctx) {
    const { snapshot } = ctx;
    // (host FQDN, subset) pairs some VirtualService sends traffic (or mirrored traffic) to.
    const routed: { host: string; subset: string }[] = [];
    for (const vs of snapshot.list('VirtualService')) {
      for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) {
        if (d.subset) routed.push({ host: toFqdn(vs.namespace, d.host), subset: d.subset });
      }
    }
    for (const dr of snapshot.list('DestinationRule')) {
      const spec = asRecord(dr.object.spec);
      const host = toFqdn(dr.namespace, asString(spec.host));
      asArray(spec.subsets).forEach((s, i) => {
        const subset = asRecord(s);
        const name = asString(subset.name);
        if (!subset.trafficPolicy || Object.keys(asRecord(subset.trafficPolicy)).length === 0) return;
        if (routed.some((r) => r.subset === name && hostMatches(r.host, host))) return;
        ctx.report({ resource: dr, message: 'SubsetTrafficPolicyNotActivated', args: [name, asString(spec.host)], path: ['spec', 'subsets', i, 'trafficPolicy'] });
      });
    }
  },
});
