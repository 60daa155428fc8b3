import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, asString, get } from '../../util/objects.js';
import { meshAllocatesAddresses } from '../util/mesh.js';

export const analyzer = defineAnalyzer({
  name: 'serviceentry.Analyzer',
  description: 'Checks the validity of ServiceEntry',
  inputs: ['ServiceEntry', 'MeshConfig'],
  messages: ['ServiceEntryAddressesRequired'],
  analyze(ctx) {
    if (meshAllocatesAddresses(ctx.mesh)) return;
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
