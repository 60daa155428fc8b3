import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asObjects, get } from '../../util/objects.js';
import { isControlPlane, SYSTEM_NAMESPACES } from '../util/mesh.js';
import { serviceProtocol } from '../util/protocol.js';

/** Values of gateway.istio.io/managed on Services Istio generates for Gateway API gateways. */
const MANAGED_GATEWAY_CONTROLLERS = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/**
 * upstream service/portname.go: Istio picks a port's protocol from appProtocol or the port name
 * prefix (`http-foo`, `grpc`, ...). A port whose protocol cannot be told gets IST0118; on an
 * ExternalName Service (where Istio cannot sniff) IST0150 instead, also for a port named "tcp".
 */
export default defineAnalyzer({
  name: 'service.PortNameAnalyzer',
  description: 'Checks the port names associated with each service',
  inputs: ['Service'],
  messages: ['PortNameIsNotUnderNamingConvention', 'ExternalNameServiceTypeInvalidPortName'],
  analyze(ctx) {
    for (const svc of ctx.snapshot.list('Service')) {
      if (svc.synthetic) continue;
      if (SYSTEM_NAMESPACES.has(svc.namespace) || isControlPlane(svc)) continue;
      if (MANAGED_GATEWAY_CONTROLLERS.has(svc.labels['gateway.istio.io/managed'] ?? '')) continue;
      const externalName = get(svc.object, 'spec', 'type') === 'ExternalName';
      asObjects(get(svc.object, 'spec', 'ports')).forEach((p, i) => {
        const name = typeof p.name === 'string' ? p.name : '';
        const port = Number(p.port ?? 0);
        const appProtocol = typeof p.appProtocol === 'string' ? p.appProtocol : undefined;
        const protocol = serviceProtocol(port, name, typeof p.protocol === 'string' ? p.protocol : '', appProtocol);
        if (protocol !== 'UnsupportedProtocol' && !(name === 'tcp' && externalName)) return;
        const path = ['spec', 'ports', i];
        if (externalName) {
          ctx.report({ resource: svc, message: 'ExternalNameServiceTypeInvalidPortName', path });
        } else {
          const target = p.targetPort === undefined || p.targetPort === null ? '0' : String(p.targetPort);
          ctx.report({ resource: svc, message: 'PortNameIsNotUnderNamingConvention', args: [name, port, target], path });
        }
      });
    }
  },
});
