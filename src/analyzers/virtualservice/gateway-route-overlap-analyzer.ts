import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asString } from '../../util/objects.js';
import { hostMatches } from '../util/host.js';
import { fullNameString, shortOrFullName } from '../util/service-registry.js';
import { MESH_GATEWAY, vsGateways, vsHosts } from '../util/vs-destinations.js';

interface UriRoute {
  readonly vs: Resource;
  readonly index: number;
  readonly label: string;
  /** The URI matches of the route: prefix or exact, and nothing else in the match. */
  readonly uris: { kind: 'prefix' | 'exact'; value: string }[];
}

/**
 * The HTTP routes that match on the URI alone. Routes with other conditions (headers, methods…)
 * are left out: whether they overlap depends on the requests. Catch-all routes (no match, or
 * prefix "/") are left out too, as istiod moves them after every other route when it merges.
 */
function uriRoutes(vs: Resource): UriRoute[] {
  const out: UriRoute[] = [];
  asArray(asRecord(vs.object.spec).http).forEach((r, i) => {
    const rule = asRecord(r);
    const matches = asObjects(rule.match);
    if (matches.length === 0) return;
    const uris: UriRoute['uris'] = [];
    for (const m of matches) {
      if (Object.keys(m).some((k) => k !== 'uri' && k !== 'name')) return;
      const uri = asRecord(m.uri);
      if (typeof uri.prefix === 'string') uris.push({ kind: 'prefix', value: uri.prefix });
      else if (typeof uri.exact === 'string') uris.push({ kind: 'exact', value: uri.exact });
      else return;
    }
    if (uris.some((u) => u.kind === 'prefix' && (u.value === '/' || u.value === ''))) return;
    const label = asString(rule.name) ? `${asString(rule.name)} (http[${i}])` : `http[${i}]`;
    out.push({ vs, index: i, label, uris });
  });
  return out;
}

/** True when a request matching `b` can also match `a` (a's prefix covers b's URI). */
function covers(a: UriRoute, b: UriRoute): boolean {
  return a.uris.some((ua) => b.uris.some((ub) => (ua.kind === 'prefix' ? ub.value.startsWith(ua.value) : ub.kind === 'exact' && ub.value === ua.value)));
}

export const gatewayRouteOverlapAnalyzer = defineAnalyzer({
  name: 'virtualservice.GatewayRouteOverlapAnalyzer',
  description: 'Checks that VirtualServices merged on one gateway host do not have routes whose winner depends on creation order',
  inputs: ['VirtualService'],
  messages: ['GatewayRoutesShadowed'],
  analyze(ctx) {
    // VirtualServices by gateway ("ns/name"); the mesh gateway is IST0109's business.
    const byGateway = new Map<string, Resource[]>();
    for (const vs of ctx.snapshot.list('VirtualService')) {
      for (const ref of new Set(vsGateways(vs))) {
        if (ref === MESH_GATEWAY) continue;
        const gw = fullNameString(shortOrFullName(vs.namespace, ref));
        byGateway.set(gw, [...(byGateway.get(gw) ?? []), vs]);
      }
    }
    for (const [gw, list] of [...byGateway].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (let i = 0; i < list.length; i++) {
        for (let j = 0; j < list.length; j++) {
          if (i === j) continue;
          const shadowed = list[i]!;
          const other = list[j]!;
          const host = vsHosts(shadowed).find((h) => vsHosts(other).some((o) => hostMatches(h, o)));
          if (host === undefined) continue;
          // With creation times known (live), only an older VirtualService can shadow a newer one.
          const tShadowed = String(shadowed.object.metadata.creationTimestamp ?? '');
          const tOther = String(other.object.metadata.creationTimestamp ?? '');
          if (tShadowed && tOther && tOther > tShadowed) continue;
          for (const b of uriRoutes(shadowed)) {
            const a = uriRoutes(other).find((r) => covers(r, b));
            if (!a) continue;
            ctx.report({
              resource: shadowed,
              message: 'GatewayRoutesShadowed',
              args: [b.label, a.label, `${other.namespace}/${other.name}`, gw, host],
              path: ['spec', 'http', b.index],
            });
            break;
          }
        }
      }
    }
  },
});
