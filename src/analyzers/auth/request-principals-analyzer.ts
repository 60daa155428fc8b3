import type { Snapshot } from '../../analysis/snapshot.js';
import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asString } from '../../util/objects.js';
import { matchesLabels, selectorString } from '../util/selector.js';
import { distinctWorkloads, podSecuredByMesh } from '../util/traffic.js';
import { hasTargetRef, podDisplayName, policyMatchLabels } from '../util/workload.js';

/** The first thing in an ALLOW rule that only a validated JWT can satisfy, or "". */
export function jwtOnlyField(rule: Record<string, unknown>): string {
  for (const f of asObjects(rule.from)) {
    if (asArray(asRecord(f.source).requestPrincipals).length > 0) return 'source.requestPrincipals';
  }
  for (const w of asObjects(rule.when)) {
    const key = asString(w.key);
    if (key.startsWith('request.auth.') && asArray(w.values).length > 0) return `when ${key}`;
  }
  return '';
}

/** Pods an AuthorizationPolicy or RequestAuthentication selects (root-namespace policies reach every namespace). */
export function selectedPods(snapshot: Snapshot, policy: Resource, root: string): Resource[] {
  const sel = policyMatchLabels(policy);
  const pods = policy.namespace === root ? snapshot.list('Pod') : snapshot.inNamespace('Pod', policy.namespace);
  return pods.filter((p) => matchesLabels(sel, p.labels));
}

export const requestPrincipalsAnalyzer = defineAnalyzer({
  name: 'auth.RequestPrincipalsAnalyzer',
  description: 'Checks that ALLOW AuthorizationPolicies matching JWT principals or claims have a RequestAuthentication for their workloads',
  inputs: ['AuthorizationPolicy', 'RequestAuthentication'],
  optionalInputs: ['Pod', 'Namespace'],
  messages: ['RequestPrincipalsWithoutRequestAuthentication'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const root = String(ctx.mesh.rootNamespace || ctx.istioNamespace);
    const ras = snapshot.list('RequestAuthentication');
    // A RequestAuthentication bound by targetRef (a gateway) cannot be judged offline: trust it.
    const raCovers = (ns: string, labels?: Labels) =>
      ras.some((ra) => {
        if (ra.namespace !== ns && ra.namespace !== root) return false;
        if (hasTargetRef(ra)) return ra.namespace === ns;
        const sel = policyMatchLabels(ra);
        if (Object.keys(sel).length === 0) return true;
        return labels === undefined || matchesLabels(sel, labels);
      });
    for (const ap of snapshot.list('AuthorizationPolicy')) {
      const spec = asRecord(ap.object.spec);
      const action = asString(spec.action).toUpperCase() || 'ALLOW';
      if (action !== 'ALLOW' || hasTargetRef(ap)) continue;
      const rules = asObjects(spec.rules);
      const i = rules.findIndex((r) => jwtOnlyField(r) !== '');
      if (i < 0) continue;
      const field = jwtOnlyField(rules[i]!);
      let uncovered: string | undefined;
      if (snapshot.isAvailable('Pod')) {
        const pods = distinctWorkloads(selectedPods(snapshot, ap, root).filter((p) => podSecuredByMesh(snapshot, p)));
        const missing = pods.filter((p) => !raCovers(p.namespace, p.labels));
        if (missing.length > 0) uncovered = `${podDisplayName(missing[0]!)}${missing.length > 1 ? ` and ${missing.length - 1} more` : ''}`;
      } else if (!raCovers(ap.namespace)) {
        const sel = policyMatchLabels(ap);
        uncovered = Object.keys(sel).length ? `workloads ${selectorString(sel)}` : `namespace ${ap.namespace}`;
      }
      if (uncovered === undefined) continue;
      ctx.report({ resource: ap, message: 'RequestPrincipalsWithoutRequestAuthentication', args: [i, field, uncovered], path: ['spec', 'rules', i] });
    }
  },
});
