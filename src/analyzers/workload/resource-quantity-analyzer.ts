import { podTemplateOf } from '../../analysis/build.js';
import { defineAnalyzer } from '../../analysis/types.js';
import type { FieldPath } from '../../resources/types.js';
import { WORKLOAD_KINDS } from '../../resources/kinds.js';
import { asObjects, asRecord, asStringMap, get } from '../../util/objects.js';

/** Sidecar resource annotations (injection template values) and what they size. */
const SIDECAR_ANNOTATIONS: Record<string, 'memory' | 'cpu'> = {
  'sidecar.istio.io/proxyMemory': 'memory',
  'sidecar.istio.io/proxyMemoryLimit': 'memory',
  'sidecar.istio.io/proxyCPU': 'cpu',
  'sidecar.istio.io/proxyCPULimit': 'cpu',
};

/** Below this many bytes no container (let alone Envoy) starts: a bare number is a missing unit. */
const MIN_MEMORY_BYTES = 1024 * 1024;
/** A bare CPU value this large is cores, not millicores, far beyond any node. */
const MAX_PLAIN_CPU = 64;

/** What a quantity really means when its unit is wrong, with the value the author probably meant. */
export function suspiciousQuantity(resource: 'memory' | 'cpu', raw: unknown): { meaning: string; suggestion: string } | undefined {
  const v = String(raw).trim();
  if (resource === 'memory') {
    const plain = /^(\d+(?:\.\d+)?)$/.exec(v);
    if (plain && Number(plain[1]) < MIN_MEMORY_BYTES) return { meaning: `${plain[1]} bytes`, suggestion: `${plain[1]}Mi` };
    // "m" is milli: 512m of memory is half a byte.
    const milli = /^(\d+(?:\.\d+)?)m$/.exec(v);
    if (milli) return { meaning: `${Number(milli[1]) / 1000} bytes`, suggestion: `${milli[1]}Mi` };
    return undefined;
  }
  const plain = /^(\d+(?:\.\d+)?)$/.exec(v);
  if (plain && Number(plain[1]) > MAX_PLAIN_CPU) return { meaning: `${plain[1]} cores`, suggestion: `${plain[1]}m` };
  return undefined;
}

export const resourceQuantityAnalyzer = defineAnalyzer({
  name: 'workload.ResourceQuantityAnalyzer',
  description: 'Checks container resources and sidecar resource annotations for quantities with a missing or wrong unit',
  inputs: [],
  optionalInputs: ['Pod', ...[...WORKLOAD_KINDS].sort()],
  messages: ['SuspiciousResourceQuantity'],
  analyze(ctx) {
    const targets = [
      ...ctx.snapshot.list('Pod').filter((p) => !p.synthetic).map((p) => ({ r: p, tpl: { metadata: p.object.metadata, spec: p.object.spec }, base: [] as FieldPath })),
      ...[...WORKLOAD_KINDS].sort().flatMap((k) =>
        ctx.snapshot.list(k).map((w) => ({
          r: w,
          tpl: podTemplateOf(w.object) ?? {},
          base: (w.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template']) as FieldPath,
        })),
      ),
    ];
    for (const { r, tpl, base } of targets) {
      const annotations = asStringMap(get(tpl, 'metadata', 'annotations'));
      for (const [key, resource] of Object.entries(SIDECAR_ANNOTATIONS)) {
        if (annotations[key] === undefined) continue;
        const s = suspiciousQuantity(resource, annotations[key]);
        if (s) ctx.report({ resource: r, message: 'SuspiciousResourceQuantity', args: ['annotation', key, annotations[key], s.meaning, s.suggestion], path: [...base, 'metadata', 'annotations', key] });
      }
      for (const field of ['containers', 'initContainers'] as const) {
        asObjects(get(tpl, 'spec', field)).forEach((c, i) => {
          for (const kind of ['requests', 'limits'] as const) {
            const q = asRecord(get(c, 'resources', kind));
            for (const resource of ['memory', 'cpu'] as const) {
              if (q[resource] === undefined) continue;
              const s = suspiciousQuantity(resource, q[resource]);
              if (!s) continue;
              ctx.report({
                resource: r,
                message: 'SuspiciousResourceQuantity',
                args: [`container ${String(c.name ?? i)}`, `${kind}.${resource}`, String(q[resource]), s.meaning, s.suggestion],
                path: [...base, 'spec', field, i, 'resources', kind, resource],
              });
            }
          }
        });
      }
    }
  },
});
