import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, asString } from '../../util/objects.js';
import { convertHostToFqdn, resourceNameFromHost } from '../util/service-registry.js';
import { mirrorDestinations, routeDestinations, type RouteDestination } from '../util/vs-destinations.js';

/**
 * Hosts are compared as upstream does: a cluster-local FQDN is parsed into namespace/name, any
 * other host is taken as a name in the referring resource's namespace. So "reviews" in a
 * VirtualService in default matches a DestinationRule for "reviews.default.svc.cluster.local",
 * while an external host such as "api.example.com" only matches a DestinationRule in the
 * VirtualService's own namespace. Both sides go through the same FQDN conversion, so that
 * namespace-less manifests (read with -A) still pair a short name with its DestinationRule.
 */
function key(namespace: string, name: string, subset: string): string {
  return `${namespace}/${name}#${subset}`;
}

export const destinationRuleAnalyzer = defineAnalyzer({
  name: 'virtualservice.DestinationRuleAnalyzer',
  description: 'Checks the destination rules associated with each virtual service',
  inputs: ['VirtualService', 'DestinationRule'],
  messages: ['ReferencedResourceNotFound'],
  analyze(ctx) {
    const known = new Set<string>();
    for (const dr of ctx.snapshot.list('DestinationRule')) {
      const spec = asRecord(dr.object.spec);
      const host = convertHostToFqdn(dr.namespace, asString(spec.host));
      const n = resourceNameFromHost(dr.namespace, host);
      for (const s of asArray(spec.subsets)) known.add(key(n.namespace, n.name, asString(asRecord(s).name)));
    }
    const missing = (ns: string, d: RouteDestination) => {
      if (!d.subset) return false;
      const n = resourceNameFromHost(ns, convertHostToFqdn(ns, d.host));
      return !known.has(key(n.namespace, n.name, d.subset));
    };
    for (const vs of ctx.snapshot.list('VirtualService')) {
      for (const d of routeDestinations(vs)) {
        if (!missing(vs.namespace, d)) continue;
        ctx.report({
          resource: vs,
          message: 'ReferencedResourceNotFound',
          args: ['host+subset in destinationrule', `${d.host}+${d.subset}`],
          path: d.path,
        });
      }
      for (const d of mirrorDestinations(vs)) {
        if (!missing(vs.namespace, d)) continue;
        ctx.report({
          resource: vs,
          message: 'ReferencedResourceNotFound',
          args: ['mirror+subset in destinationrule', `${d.host}+${d.subset}`],
          path: d.path,
        });
      }
    }
  },
});
