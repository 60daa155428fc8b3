import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asObjects, asStringMap, get } from '../../util/objects.js';
import { deploymentInMesh } from '../util/injection.js';
import { matchesLabels } from '../util/selector.js';

interface ServicePort {
  port?: unknown;
  targetPort?: unknown;
  protocol?: unknown;
}

/** Label value Istio puts on waypoint Deployments it generates. */
const WAYPOINT_CONTROLLER = 'istio.io-mesh-controller';

/**
 * upstream deployment/services.go. For each in-mesh Deployment, the Services in its namespace whose
 * (non-empty) selector matches its pod template: one port number exposed with two protocols
 * (IST0116), or one targetPort reached through different service ports (IST0137). Envoy builds one
 * inbound listener per pod port, so both are ambiguous.
 */
export default defineAnalyzer({
  name: 'deployment.MultiServiceAnalyzer',
  description: 'Checks association between services and pods',
  inputs: ['Service', 'Deployment'],
  optionalInputs: ['Namespace'],
  messages: ['DeploymentAssociatedToMultipleServices', 'DeploymentConflictingPorts'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const d of snapshot.list('Deployment')) {
      if (d.labels['gateway.istio.io/managed'] === WAYPOINT_CONTROLLER) continue;
      if (!deploymentInMesh(snapshot, d)) continue;
      const podLabels = asStringMap(get(d.object, 'spec', 'template', 'metadata', 'labels'));
      const services = snapshot.inNamespace('Service', d.namespace).filter((s) => {
        const selector = asStringMap(get(s.object, 'spec', 'selector'));
        return Object.keys(selector).length > 0 && matchesLabels(selector, podLabels);
      });
      if (!services.length) continue;
      reportProtocolConflicts(d, services);
      reportTargetPortConflicts(d, services);
    }

    function reportProtocolConflicts(d: Resource, services: readonly Resource[]) {
      const byPort = new Map<number, Map<string, string[]>>();
      for (const s of services) {
        for (const p of ports(s)) {
          const port = Number(p.port);
          const protocol = typeof p.protocol === 'string' && p.protocol ? p.protocol : 'TCP';
          const protocols = byPort.get(port) ?? new Map<string, string[]>();
          protocols.set(protocol, [...(protocols.get(protocol) ?? []), fullName(s)]);
          byPort.set(port, protocols);
        }
      }
      for (const [port, protocols] of byPort) {
        if (protocols.size < 2) continue;
        const names = [...protocols.values()].flat().sort();
        ctx.report({ resource: d, message: 'DeploymentAssociatedToMultipleServices', args: [d.name, port, names], path: ['metadata', 'name'] });
      }
    }

    function reportTargetPortConflicts(d: Resource, services: readonly Resource[]) {
      // targetPort -> service port -> service (the last service wins for a given port, as upstream).
      const byTarget = new Map<string, Map<number, string>>();
      for (const s of services) {
        for (const p of ports(s)) {
          const port = Number(p.port);
          let target = p.targetPort === undefined || p.targetPort === null ? '' : String(p.targetPort);
          // An omitted targetPort defaults to the port.
          if (target === '' || target === '0') target = String(port);
          const m = byTarget.get(target) ?? new Map<number, string>();
          m.set(port, fullName(s));
          byTarget.set(target, m);
        }
      }
      for (const [target, m] of byTarget) {
        if (m.size < 2) continue;
        const names = [...m.values()].sort();
        const portList = [...m.keys()].sort((a, b) => a - b);
        ctx.report({ resource: d, message: 'DeploymentConflictingPorts', args: [d.name, names, target, portList], path: ['metadata', 'name'] });
      }
    }
  },
});

function ports(s: Resource): ServicePort[] {
  return asObjects<ServicePort>(get(s.object, 'spec', 'ports'));
}

function fullName(r: Resource): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}
