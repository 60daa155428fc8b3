import { defineAnalyzer } from '../../analysis/types.js';
import { asString, get } from '../../util/objects.js';
import { serviceProtocol, type Protocol } from '../util/protocol.js';
import { effectiveMtls, podSecuredByMesh, podsOfService, servicePorts } from '../util/traffic.js';

const HTTP_PROTOCOLS = new Set<Protocol>(['HTTP', 'HTTP2', 'GRPC', 'GRPC-Web']);

export const headlessPortAnalyzer = defineAnalyzer({
  name: 'service.HeadlessPortAnalyzer',
  description: 'Checks headless Services for HTTP ports on STRICT mTLS workloads, which fail when clients call pod IPs directly',
  inputs: ['Service', 'Pod', 'PeerAuthentication'],
  optionalInputs: ['Namespace'],
  messages: ['HeadlessServiceHttpPort'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const svc of snapshot.list('Service')) {
      if (asString(get(svc.object, 'spec', 'clusterIP')) !== 'None') continue;
      // Only workloads with a server sidecar (or ztunnel) can refuse the plaintext call.
      const pods = podsOfService(snapshot, svc).filter((p) => podSecuredByMesh(snapshot, p));
      if (pods.length === 0) continue;
      servicePorts(svc).forEach((sp, i) => {
        const protocol = serviceProtocol(sp.port, sp.name, sp.protocol, sp.appProtocol);
        if (!HTTP_PROTOCOLS.has(protocol)) return;
        // A request for a pod IP matches no virtual host of the Service and leaves the client
        // sidecar through PassthroughCluster, in plaintext. The server answers it under PERMISSIVE
        // (proven on real Envoys: 200); only STRICT refuses it (503 UC at the client).
        const target = typeof sp.targetPort === 'number' ? sp.targetPort : sp.port;
        if (!pods.some((p) => effectiveMtls(snapshot, ctx.mesh, ctx.istioNamespace, p, target).mode === 'STRICT')) return;
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
