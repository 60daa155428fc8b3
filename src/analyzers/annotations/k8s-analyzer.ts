import { defineAnalyzer } from '../../analysis/types.js';
import { lookupAnnotation } from './registry.js';
import { ANNOTATION_VALIDATORS } from './validators.js';

/** Kinds whose annotations are checked, as named in the registry's resource types. */
const CHECKED_KINDS = ['Namespace', 'Service', 'Pod', 'Deployment'] as const;

/** Extra wording for deprecations that have a replacement. */
const DEPRECATION_NOTES: Record<string, string> = {
  'sidecar.istio.io/inject': ' in favor of the "sidecar.istio.io/inject" label',
};

/**
 * upstream annotations/annotations.go. Every annotation in Istio's namespace (`*istio.io/...`, plus
 * the documented `kubernetes.io/ingress.class`) on a Namespace, Service, Pod or Deployment must be a
 * known one (IST0108), not deprecated (IST0135), on a resource type it applies to (IST0107), and
 * have a value the injector accepts (IST0125).
 *
 * Pods made up from workload templates are not checked, as upstream reads the Deployment's own
 * metadata only; that keeps one finding per line of YAML.
 */
export default defineAnalyzer({
  name: 'annotations.K8sAnalyzer',
  description: 'Checks for misplaced and invalid Istio annotations in Kubernetes resources',
  inputs: [],
  optionalInputs: [...CHECKED_KINDS],
  messages: ['UnknownAnnotation', 'DeprecatedAnnotation', 'MisplacedAnnotation', 'InvalidAnnotation'],
  analyze(ctx) {
    for (const kind of CHECKED_KINDS) {
      for (const r of ctx.snapshot.list(kind)) {
        if (r.synthetic) continue;
        for (const [ann, value] of Object.entries(r.annotations)) {
          if (!isIstioAnnotation(ann)) continue;
          const path = ['metadata', 'annotations', ann];
          const def = lookupAnnotation(ann);
          if (!def) {
            ctx.report({ resource: r, message: 'UnknownAnnotation', args: [ann], path });
            continue;
          }
          // Keeping the deprecated annotation next to its replacement label is deliberate
          // (older and newer injectors both understand the pod); do not nag about it.
          if (def.deprecated && !(ann === 'sidecar.istio.io/inject' && 'sidecar.istio.io/inject' in r.labels)) {
            ctx.report({ resource: r, message: 'DeprecatedAnnotation', args: [ann, DEPRECATION_NOTES[ann] ?? ''], path });
          }
          if (def.resources.includes('Any')) continue;
          if (!(def.resources as readonly string[]).includes(kind)) {
            ctx.report({ resource: r, message: 'MisplacedAnnotation', args: [ann, def.resources.join(', ')], path });
            continue;
          }
          const problem = ANNOTATION_VALIDATORS.get(ann)?.(value);
          if (problem !== undefined) ctx.report({ resource: r, message: 'InvalidAnnotation', args: [ann, problem], path });
        }
      }
    }
  },
});

/** An annotation in Istio's namespace: the key's prefix ends in "istio.io". */
export function isIstioAnnotation(ann: string): boolean {
  if (ann === 'kubernetes.io/ingress.class') return true;
  return ann.split('/')[0]!.endsWith('istio.io');
}
