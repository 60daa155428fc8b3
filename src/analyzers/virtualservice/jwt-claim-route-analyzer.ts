import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asRecord, asStringMap, get } from '../../util/objects.js';
import { matchesLabels } from '../util/selector.js';
import { fullNameString, shortOrFullName } from '../util/service-registry.js';
import { MESH_GATEWAY, vsGateways } from '../util/vs-destinations.js';

/** Header names Istio resolves from the validated JWT, e.g. "@request.auth.claims.groups". */
const JWT_CLAIM_PREFIX = '@request.auth.claims';

/** The first header (or withoutHeaders) match key that routes on a JWT claim, or "". */
function jwtClaimKey(vs: Resource): string {
  for (const rule of asArray(asRecord(vs.object.spec).http)) {
    for (const m of asArray(asRecord(rule).match)) {
      const match = asRecord(m);
      for (const field of ['headers', 'withoutHeaders'] as const) {
        const k = Object.keys(asRecord(match[field])).find((h) => h.startsWith(JWT_CLAIM_PREFIX));
        if (k) return k;
      }
    }
  }
  return '';
}

/** A pod's name for the message: the workload's own name for pods made up from a template. */
function podName(pod: Resource): string {
  return pod.synthetic?.owner?.name ?? pod.name;
}

export const jwtClaimRouteAnalyzer = defineAnalyzer({
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  description: 'Checks the VirtualService using JWT claim based routing has corresponding RequestAuthentication',
  inputs: ['VirtualService', 'RequestAuthentication', 'Gateway'],
  // Without Pods in the input only the default ingress gateway pod (always present offline)
  // stands for the gateway workloads, which is what upstream's file mode sees as well.
  optionalInputs: ['Pod'],
  messages: ['JwtClaimBasedRoutingWithoutRequestAuthN'],
  analyze(ctx) {
    const { snapshot } = ctx;
    // RequestAuthentication selectors by namespace; no selector applies to every workload.
    const selectors = new Map<string, Labels[]>();
    for (const ra of snapshot.list('RequestAuthentication')) {
      const l = selectors.get(ra.namespace) ?? [];
      l.push(asStringMap(get(ra.object, 'spec', 'selector', 'matchLabels')));
      selectors.set(ra.namespace, l);
    }
    // Policies in the root namespace apply mesh-wide.
    const rootNs = String(ctx.mesh.rootNamespace || ctx.istioNamespace);
    for (const vs of snapshot.list('VirtualService')) {
      const claimKey = jwtClaimKey(vs);
      if (!claimKey) continue;
      for (const ref of vsGateways(vs)) {
        if (ref === MESH_GATEWAY) continue;
        const gwName = shortOrFullName(vs.namespace, ref);
        // A missing gateway is virtualservice.GatewayAnalyzer's finding.
        const gw = snapshot.get('Gateway', gwName.namespace, gwName.name);
        if (!gw) continue;
        const gwSelector = asStringMap(get(gw.object, 'spec', 'selector'));
        for (const pod of snapshot.list('Pod')) {
          if (!matchesLabels(gwSelector, pod.labels)) continue;
          const candidates = [...(selectors.get(rootNs) ?? []), ...(rootNs === pod.namespace ? [] : (selectors.get(pod.namespace) ?? []))];
          if (candidates.some((s) => matchesLabels(s, pod.labels))) continue;
          ctx.report({
            resource: vs,
            message: 'JwtClaimBasedRoutingWithoutRequestAuthN',
            args: [claimKey, fullNameString(gwName), podName(pod)],
          });
        }
      }
    }
  },
});
