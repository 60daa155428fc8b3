import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { hostMatches } from '../util/host.js';
import { EXPORT_TO_ALL, exportScopes, fullNameString, scopedFqdn, splitScopedFqdn } from '../util/service-registry.js';
import { MESH_GATEWAY, vsExportTo, vsGateways, vsHosts } from '../util/vs-destinations.js';

/** A VirtualService with no gateways applies to sidecars ("mesh"), as does one listing "mesh". */
function boundToMesh(vs: Resource): boolean {
  const gws = vsGateways(vs);
  return gws.length === 0 || gws.includes(MESH_GATEWAY);
}

export const conflictingMeshGatewayHostsAnalyzer = defineAnalyzer({
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  description: 'Checks if multiple virtual services associated with the mesh gateway have conflicting hosts',
  inputs: ['VirtualService'],
  messages: ['ConflictingMeshGatewayVirtualServiceHosts'],
  analyze(ctx) {
    // Mesh-bound VirtualServices by "scope/fqdn": the host as seen from each exportTo scope.
    const byHost = new Map<string, Resource[]>();
    for (const vs of ctx.snapshot.list('VirtualService')) {
      if (!boundToMesh(vs)) continue;
      for (const scope of exportScopes(vsExportTo(vs), vs.namespace)) {
        for (const h of vsHosts(vs)) {
          const k = scopedFqdn(scope, vs.namespace, h);
          const list = byHost.get(k) ?? [];
          if (!list.includes(vs)) list.push(vs);
          byHost.set(k, list);
        }
      }
    }
    const reported = new Set<Resource>();
    for (const [key, own] of byHost) {
      const { scope, fqdn } = splitScopedFqdn(key);
      let list = own;
      // A host exported to one namespace also collides with the same host (or a wildcard that
      // covers it) exported to every namespace.
      if (scope !== EXPORT_TO_ALL) {
        const global: Resource[] = [];
        for (const [k, rs] of byHost) {
          const other = splitScopedFqdn(k);
          if (other.scope === EXPORT_TO_ALL && hostMatches(fqdn, other.fqdn)) global.push(...rs);
        }
        list = [...own, ...global.filter((r) => !own.includes(r))];
      }
      if (list.length < 2) continue;
      const names = list.map((r) => fullNameString(r)).join(',');
      for (const vs of list) {
        if (reported.has(vs)) continue;
        reported.add(vs);
        ctx.report({ resource: vs, message: 'ConflictingMeshGatewayVirtualServiceHosts', args: [names, key], path: ['metadata', 'name'] });
      }
    }
  },
});
