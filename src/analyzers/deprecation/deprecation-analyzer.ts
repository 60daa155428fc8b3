import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, asString, get } from '../../util/objects.js';

/** Istio CRDs removed from the charts; a cluster (or repo) still defining them is stale. */
const REMOVED_CRDS: readonly { group: string; kind: string }[] = [
  { group: 'rbac.istio.io', kind: 'ClusterRbacConfig' },
  { group: 'rbac.istio.io', kind: 'RbacConfig' },
  { group: 'rbac.istio.io', kind: 'ServiceRole' },
  { group: 'rbac.istio.io', kind: 'ServiceRoleBinding' },
];

export const deprecationAnalyzer = defineAnalyzer({
  name: 'deprecation.DeprecationAnalyzer',
  description: 'Checks for deprecated Istio types and fields',
  inputs: ['VirtualService', 'Sidecar'],
  optionalInputs: ['CustomResourceDefinition'],
  messages: ['Deprecated'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const vs of snapshot.list('VirtualService')) {
      asArray(get(vs.object, 'spec', 'http')).forEach((rule, i) => {
        // fault.delay.percent (an integer) was replaced by fault.delay.percentage (a double).
        const percent = Number(get(rule, 'fault', 'delay', 'percent') ?? 0);
        if (!(percent > 0)) return;
        ctx.report({
          resource: vs,
          message: 'Deprecated',
          args: ['HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage'],
          path: ['spec', 'http', i, 'fault', 'delay', 'percent'],
        });
      });
    }
    for (const sc of snapshot.list('Sidecar')) {
      const egressProxy = get(sc.object, 'spec', 'outboundTrafficPolicy', 'egressProxy');
      if (egressProxy === undefined || egressProxy === null) continue;
      ctx.report({
        resource: sc,
        message: 'Deprecated',
        args: ['OutboundTrafficPolicy.EgressProxy ignored'],
        path: ['spec', 'outboundTrafficPolicy', 'egressProxy'],
      });
    }
    for (const crd of snapshot.list('CustomResourceDefinition')) {
      const spec = asRecord(crd.object.spec);
      const group = asString(spec.group);
      const kind = asString(get(spec, 'names', 'kind'));
      for (const removed of REMOVED_CRDS) {
        if (removed.group !== group || removed.kind !== kind) continue;
        ctx.report({ resource: crd, message: 'Deprecated', args: [`Custom resource type ${group} ${kind} is removed`] });
      }
    }
  },
});
