import { defineAnalyzer } from '../../analysis/types.js';
import { asObjects, get } from '../../util/objects.js';
import { distinctWorkloads, podsOfService, servicePorts } from '../util/traffic.js';
import { podDisplayName } from '../util/workload.js';

export const containerPortAnalyzer = defineAnalyzer({
  name: 'service.ContainerPortAnalyzer',
  description: 'Checks that every Service targetPort matches a container port of the workloads the Service selects',
  inputs: ['Service', 'Pod'],
  messages: ['ServicePortWithoutContainerPort'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const svc of snapshot.list('Service')) {
      if (svc.synthetic) continue;
      const pods = distinctWorkloads(podsOfService(snapshot, svc));
      servicePorts(svc).forEach((sp, i) => {
        for (const pod of pods) {
          const declared = asObjects(get(pod.object, 'spec', 'containers')).flatMap((c) => asObjects(c.ports));
          // containerPort is informational: a pod that declares none listens where it likes.
          // A named targetPort, though, must name a container port or the Service has no endpoints.
          if (declared.length === 0 && typeof sp.targetPort === 'number') continue;
          const ok = declared.some((p) => (typeof sp.targetPort === 'number' ? Number(p.containerPort) === sp.targetPort : p.name === sp.targetPort));
          if (ok) continue;
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
