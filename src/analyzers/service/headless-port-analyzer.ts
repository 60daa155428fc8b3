import { defineAnalyzer } from '../../analysis/types.js';
import { asString, get } from '../../util/objects.js';
import { serviceProtocol, type Protocol } from '../util/protocol.js';
import { podSecuredByMesh, podsOfService, servicePorts } from '../util/traffic.js';

const HTTP_PROTOCOLS = new Set<Protocol>(['HTTP', 'HTTP2', 'GRPC', 'GRPC-Web']);

export const headlessPortAnalyzer = defineAnalyzer({
  name: 'service.HeadlessPortAnalyzer',
  description: 'Checks headless Services for HTTP ports, which fail when clients call pod IPs directly',
  inputs: ['Service'],
  optionalInputs: ['Pod', 'Namespace'],
  messages: ['HeadlessServiceHttpPort'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const svc of snapshot.list('Service')) {
      if (asString(get(svc.object, 'spec', 'clusterIP')) !== 'None') continue;
      // Known workloads outside the mesh have no server sidecar to answer 503 UC.
      if (snapshot.isAvailable('Pod')) {
        const pods = podsOfService(snapshot, svc);
        if (pods.length > 0 && !pods.some((p) => podSecuredByMesh(snapshot, p))) continue;
      }
      servicePorts(svc).forEach((sp, i) => {
        const protocol = serviceProtocol(sp.port, sp.name, sp.protocol, sp.appProtocol);
        if (!HTTP_PROTOCOLS.has(protocol)) return;
        const name = sp.name || String(sp.port);
        const suffix = name.includes('-') ? name.slice(name.indexOf('-') + 1) : name;
        ctx.report({
          resource: svc,
          message: 'HeadlessServiceHttpPort',
          args: [name, protocol, `${svc.name}.${svc.namespace}`, suffix],
          path: ['spec', 'ports', i],
        });
      });
    }
  },
});
