import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, asString, asStringMap, get } from '../../util/objects.js';

/**
 * Whether the mesh gives addresses to ServiceEntries without any: the sidecar's DNS proxy must
 * capture queries (ISTIO_META_DNS_CAPTURE) and allocation must be on, either in the agent
 * (ISTIO_META_DNS_AUTO_ALLOCATE) or in istiod (PILOT_ENABLE_IP_AUTOALLOCATE).
 */
function autoAllocates(proxyMetadata: Record<string, string>): boolean {
  if (proxyMetadata.ISTIO_META_DNS_CAPTURE !== 'true') return false;
  return proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || proxyMetadata.PILOT_ENABLE_IP_AUTOALLOCATE === 'true';
}

export const analyzer = defineAnalyzer({
  name: 'serviceentry.Analyzer',
  description: 'Checks the validity of ServiceEntry',
  inputs: ['ServiceEntry', 'MeshConfig'],
  messages: ['ServiceEntryAddressesRequired'],
  analyze(ctx) {
    if (autoAllocates(asStringMap(get(ctx.mesh.defaultConfig, 'proxyMetadata')))) return;
    for (const se of ctx.snapshot.list('ServiceEntry')) {
      const spec = asRecord(se.object.spec);
      if (asArray(spec.addresses).length > 0) continue;
      // istiod writes allocated addresses to status when it allocates them itself.
      if (asArray(get(se.object, 'status', 'addresses')).length > 0) continue;
      // TCP traffic is matched by destination IP and port only: without an address, every
      // such ServiceEntry on the same port shares one listener and the first one wins.
      asArray(spec.ports).forEach((p, i) => {
        const protocol = asString(asRecord(p).protocol);
        if (protocol !== '' && protocol.toUpperCase() !== 'TCP') return;
        ctx.report({ resource: se, message: 'ServiceEntryAddressesRequired', path: ['spec', 'ports', i] });
      });
    }
  },
});
