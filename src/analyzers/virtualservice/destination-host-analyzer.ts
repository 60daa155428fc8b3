import type { AnalysisContext } from '../../analysis/types.js';
import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asRecord, asString } from '../../util/objects.js';
import {
  buildServiceRegistry,
  fullNameString,
  lookupDestinationHost,
  mayBeKubernetesService,
  type RegistryService,
} from '../util/service-registry.js';
import { mirrorDestinations, routeDestinations, vsExportTo, vsGateways, vsHosts, type RouteDestination } from '../util/vs-destinations.js';

function checkPorts(ctx: AnalysisContext, vs: Resource, d: RouteDestination, svc: RegistryService): void {
  if (d.port === undefined) {
    // Without a port the route is only ambiguous when the target exposes more than one.
    if (svc.ports.length > 1) {
      ctx.report({
        resource: vs,
        message: 'VirtualServiceDestinationPortSelectorRequired',
        args: [d.host, svc.ports.map((p) => p.number)],
        path: d.path,
      });
    }
    return;
  }
  if (!svc.ports.some((p) => p.number === d.port)) {
    ctx.report({ resource: vs, message: 'ReferencedResourceNotFound', args: ['host:port', `${d.host}:${d.port}`], path: d.path });
  }
}

/**
 * Destinations (with a subset) of VirtualServices that route their own host, by VirtualService.
 * A gateway-bound route to such a host without a subset bypasses that VirtualService's subset
 * routing: routing rules of a mesh VirtualService do not apply to traffic entering at a gateway.
 */
function subsetRoutedHosts(vss: readonly Resource[]): Map<Resource, string[]> {
  const out = new Map<Resource, string[]>();
  for (const vs of vss) {
    const hosts = vsHosts(vs);
    for (const rule of asArray(asRecord(vs.object.spec).http)) {
      for (const route of asArray(asRecord(rule).route)) {
        const dest = asRecord(asRecord(route).destination);
        const host = asString(dest.host);
        if (!asString(dest.subset)) continue;
        for (const h of hosts) if (h === host) out.set(vs, [...(out.get(vs) ?? []), host]);
      }
    }
  }
  return out;
}

export const destinationHostAnalyzer = defineAnalyzer({
  name: 'virtualservice.DestinationHostAnalyzer',
  description: 'Checks the destination hosts associated with each virtual service',
  inputs: ['ServiceEntry', 'VirtualService'],
  // Offline, without any Service in the input, hosts that may be Kubernetes Services are not
  // judged: a GitOps repo often holds routing but not the Services it routes to.
  optionalInputs: ['Service'],
  messages: ['IngressRouteRulesNotAffected', 'ReferencedResourceNotFound', 'VirtualServiceDestinationPortSelectorRequired'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const registry = buildServiceRegistry(snapshot);
    const servicesKnown = snapshot.isAvailable('Service');
    const vss = snapshot.list('VirtualService');
    const subsetRouted = subsetRoutedHosts(vss);

    for (const vs of vss) {
      const exportTo = vsExportTo(vs);
      const check = (d: RouteDestination, refType: string) => {
        const svc = lookupDestinationHost(registry, vs.namespace, exportTo, d.host);
        if (svc) {
          checkPorts(ctx, vs, d, svc);
          return;
        }
        if (!servicesKnown && mayBeKubernetesService(d.host)) return;
        ctx.report({ resource: vs, message: 'ReferencedResourceNotFound', args: [refType, d.host], path: d.path });
      };
      for (const d of routeDestinations(vs)) check(d, 'host');
      for (const d of mirrorDestinations(vs)) check(d, 'mirror host');

      if (vsGateways(vs).length === 0) continue;
      asArray(asRecord(vs.object.spec).http).forEach((rule, ri) => {
        asArray(asRecord(rule).route).forEach((route, di) => {
          const dest = asRecord(asRecord(route).destination);
          if (asString(dest.subset)) return;
          const host = asString(dest.host);
          for (const [other, hosts] of subsetRouted) {
            // One finding per (route, other VirtualService): upstream emits one per matching
            // destination, and its output then drops the identical copies.
            if (!hosts.includes(host)) continue;
            ctx.report({
              resource: vs,
              message: 'IngressRouteRulesNotAffected',
              args: [fullNameString(other), fullNameString(vs)],
              path: ['spec', 'http', ri, 'route', di, 'destination', 'host'],
            });
          }
        });
      });
    }
  },
});
