/**
 * Whether each pod on the path runs an istio-proxy sidecar (a container, or a native sidecar
 * init container), and if not, the likely reason from the pod's and namespace's injection labels.
 */
import type { PodView } from '../path.js';
import { defineProbe, sidecarContainer, sidecarSegment, pathPods, type ProbeContext } from './types.js';

function missingReason(ctx: ProbeContext, p: PodView): string {
  const ann = (p.object.metadata.annotations ?? {}) as Record<string, string>;
  const labels = (p.object.metadata.labels ?? {}) as Record<string, string>;
  const flag = labels['sidecar.istio.io/inject'] ?? ann['sidecar.istio.io/inject'];
  if (flag === 'false') return ' (the pod sets sidecar.istio.io/inject=false)';
  const ns = ctx.path.objects.find((o) => o.object.kind === 'Namespace' && o.object.metadata.name === p.namespace);
  if (!ns) return ' (its Namespace is not in the capture)';
  const nsLabels = (ns.object.metadata.labels ?? {}) as Record<string, string>;
  if (nsLabels['istio-injection'] === 'disabled') return ` (namespace ${p.namespace} has istio-injection=disabled)`;
  if (!nsLabels['istio-injection'] && !nsLabels['istio.io/rev'] && flag !== 'true') return ` (namespace ${p.namespace} has neither istio-injection=enabled nor istio.io/rev)`;
  return ' (the namespace is labelled for injection: the pod predates the label or the webhook failed; restart it)';
}

export const injectionProbe = defineProbe({
  name: 'injection',
  description: 'The client, gateway and server pods run an istio-proxy sidecar',
  reads: ['cluster/*.yaml (Pod spec, Namespace labels)'],
  evidence: ['injection.present', 'injection.missing'],
  run(ctx) {
    for (const p of pathPods(ctx.path)) {
      const c = sidecarContainer(p);
      const args = { role: p.role, pod: `${p.name}.${p.namespace}`, namespace: p.namespace };
      if (c) ctx.report('injection.present', sidecarSegment(p), { ...args, image: String(c.image ?? 'no image') }, `${p.source}: spec.containers[istio-proxy]`);
      else ctx.report('injection.missing', sidecarSegment(p), { ...args, reason: missingReason(ctx, p) }, `${p.source}: spec.containers`);
    }
  },
});
