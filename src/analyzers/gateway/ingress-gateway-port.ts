import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asStringMap, get } from '../../util/objects.js';
import { matchesLabels, selectorString } from '../util/selector.js';
import { podsMatching, selectorLabelPath } from '../util/workload.js';

const DEFAULT_INGRESS_TARGET_PORTS = [8080, 8443];

interface ServicePort {
  port?: unknown;
  targetPort?: unknown;
  protocol?: unknown;
}

/**
 * The ports a gateway pod can be reached on through the Services that select it. A Service port
 * counts both as its `port` and as its `targetPort`, because a Gateway server may name either:
 * the classic ingress charts listen on the service port (80) while custom gateways often listen
 * on the container port the Service translates to (8080).
 */
function reachablePorts(pod: Resource, services: readonly Resource[]): Set<number> {
  const out = new Set<number>();
  for (const svc of services) {
    // The stand-in for the cluster's istio-ingressgateway Service lists port = targetPort, but
    // the real chart has sent 80 and 443 to the unprivileged 8080 and 8443 since Istio 1.7, and
    // Gateways written for it (Bookinfo's among them) listen there.
    if (svc.synthetic?.reason === 'default') for (const p of DEFAULT_INGRESS_TARGET_PORTS) out.add(p);
    for (const p of asObjects<ServicePort>(get(svc.object, 'spec', 'ports'))) {
      // The API server defaults an omitted protocol to TCP; gateways only serve TCP ports.
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      const port = Number(p.port);
      if (Number.isInteger(port) && port > 0) out.add(port);
      const target = resolveTargetPort(p.targetPort, pod);
      if (target !== undefined) out.add(target);
    }
  }
  return out;
}

/** Services in the pod's namespace that select it. */
function selectingServices(pod: Resource, services: readonly Resource[]): Resource[] {
  return services.filter((svc) => {
    const selector = asStringMap(get(svc.object, 'spec', 'selector'));
    // A Service without a selector (manually managed endpoints) selects no pod.
    return Object.keys(selector).length > 0 && matchesLabels(selector, pod.labels);
  });
}

/** A numeric targetPort, or a named one resolved against the pod's container ports. */
function resolveTargetPort(targetPort: unknown, pod: Resource): number | undefined {
  if (typeof targetPort === 'number') return targetPort > 0 ? targetPort : undefined;
  if (typeof targetPort !== 'string' || targetPort === '') return undefined;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of asObjects(get(pod.object, 'spec', 'containers'))) {
    for (const cp of asObjects(c.ports)) {
      if (cp.name === targetPort && typeof cp.containerPort === 'number') return cp.containerPort;
    }
  }
  return undefined;
}

export default defineAnalyzer({
  name: 'gateway.IngressGatewayPortAnalyzer',
  description: "Checks a gateway's ports against the gateway's Kubernetes service ports",
  inputs: ['Gateway'],
  // Offline the default ingress gateway Pod and Service stand in for the cluster's, as upstream's
  // file mode does; a selector is only called dangling when the input really lists pods.
  optionalInputs: ['Pod', 'Service'],
  messages: ['ReferencedResourceNotFound', 'GatewayPortNotDefinedOnService'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const gw of snapshot.list('Gateway')) {
      const selector = asStringMap(get(gw.object, 'spec', 'selector'));
      const selString = selectorString(selector);
      const pods = podsMatching(snapshot, selector);
      if (pods.length === 0) {
        if (snapshot.isAvailable('Pod')) {
          ctx.report({
            resource: gw,
            message: 'ReferencedResourceNotFound',
            args: ['selector', selString],
            path: selectorLabelPath(['spec', 'selector'], selector),
          });
        }
        continue;
      }
      const ports = new Set<number>();
      let selected = false;
      for (const pod of pods) {
        const services = selectingServices(pod, snapshot.inNamespace('Service', pod.namespace));
        if (services.length) selected = true;
        for (const p of reachablePorts(pod, services)) ports.add(p);
      }
      // Without Services in the input, a gateway whose pods no known Service selects is unknown
      // territory (its Service lives in the cluster), not a missing port.
      if (!selected && !snapshot.isAvailable('Service')) continue;
      asArray(get(gw.object, 'spec', 'servers')).forEach((server, i) => {
        const port = asRecord(asRecord(server).port);
        if (port.number === undefined) return;
        const n = Number(port.number);
        if (ports.has(n)) return;
        ctx.report({
          resource: gw,
          message: 'GatewayPortNotDefinedOnService',
          args: [n, selString],
          path: ['spec', 'servers', i, 'port', 'number'],
        });
      });
    }
  },
});
