import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asObjects, get } from '../../util/objects.js';
import { namespaceLabels, podInMesh, REVISION_LABEL } from '../util/injection.js';
import { distinctWorkloads, podsOfService, servicePorts } from '../util/traffic.js';
import { podDisplayName } from '../util/workload.js';

/**
 * Ports the Istio sidecar serves on the pod IP: 15020 (pilot-agent: merged Prometheus metrics and
 * app probes), 15021 (health), 15090 (Envoy's Prometheus stats). A Service targeting them (a
 * metrics or status Service) is normal for a pod in the mesh, though the pod template declares
 * none of them: the injected istio-proxy container does.
 */
const SIDECAR_SERVED_PORTS: ReadonlySet<number> = new Set([15020, 15021, 15090]);

type Container = Record<string, unknown>;
const SIDECAR_INJECT = 'sidecar.istio.io/inject';

/**
 * The containers that serve traffic: regular containers and native sidecars (initContainers with
 * restartPolicy Always, where Istio's native-sidecar mode puts istio-proxy). Ordinary init
 * containers have exited before the pod is ready.
 */
function servingContainers(pod: Resource): Container[] {
  return [
    ...asObjects<Container>(get(pod.object, 'spec', 'containers')),
    ...asObjects<Container>(get(pod.object, 'spec', 'initContainers')).filter((c) => c.restartPolicy === 'Always'),
  ];
}

/**
 * Kiali KIA0701 (PortMappingChecker), made precise where Kubernetes and Istio make an undeclared
 * port normal: containerPort is informational, so a numeric targetPort is only judged when every
 * container of the pod lists its ports (a container without a `ports` list may listen anywhere);
 * sidecar-served ports count for pods in the mesh; Services of the Istio namespace are skipped,
 * as Kiali does (istiod and gateways expose debug and status ports their pods do not declare).
 * A named targetPort must always name a container port, or the Service has no endpoints.
 */
export const containerPortAnalyzer = defineAnalyzer({
  name: 'service.ContainerPortAnalyzer',
  description: 'Checks that every Service targetPort matches a container port of the workloads the Service selects',
  inputs: ['Service', 'Pod'],
  optionalInputs: ['Namespace'],
  messages: ['ServicePortWithoutContainerPort'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const svc of snapshot.list('Service')) {
      if (svc.synthetic || svc.namespace === ctx.istioNamespace) continue;
      const pods = distinctWorkloads(podsOfService(snapshot, svc));
      servicePorts(svc).forEach((sp, i) => {
        for (const pod of pods) {
          const containers = servingContainers(pod);
          const declared = containers.flatMap((c) => asObjects(c.ports));
          if (typeof sp.targetPort === 'number') {
            if (declared.some((p) => Number(p.containerPort) === sp.targetPort)) continue;
            if (containers.some((c) => asObjects(c.ports).length === 0)) continue;
            if (SIDECAR_SERVED_PORTS.has(sp.targetPort) && inMesh(ctx.snapshot, pod)) continue;
          } else if (declared.some((p) => p.name === sp.targetPort)) continue;
          const list = declared.map((p) => (p.name ? `${String(p.name)}=${String(p.containerPort)}` : String(p.containerPort))).join(', ') || 'none';
          ctx.report({
            resource: svc,
            message: 'ServicePortWithoutContainerPort',
            args: [sp.name || String(sp.port), typeof sp.targetPort === 'number' ? String(sp.targetPort) : `"${sp.targetPort}"`, podDisplayName(pod), list],
            path: ['spec', 'ports', i],
          });
          return;
        }
      });
    }
  },
});

/** In the mesh: injected, or to be injected (inject label/annotation, istio-injection or istio.io/rev on the namespace). */
function inMesh(snapshot: Parameters<typeof podInMesh>[0], pod: Resource): boolean {
  if (podInMesh(snapshot, pod)) return true;
  if (pod.labels[SIDECAR_INJECT] === 'false' || pod.annotations[SIDECAR_INJECT] === 'false') return false;
  return (pod.labels[REVISION_LABEL] ?? namespaceLabels(snapshot, pod.namespace)?.[REVISION_LABEL]) !== undefined;
}
