import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels } from '../../resources/types.js';
import { asArray, asObjects, asStringMap, get } from '../../util/objects.js';
import { podInAmbientMode, podInMesh } from '../util/injection.js';
import { matchesLabels, selectorString } from '../util/selector.js';

/**
 * upstream authz/authorizationpolicies.go.
 * - IST0127: the policy selects no workload that enforces it: no in-mesh (sidecar or ambient) pod
 *   matches its selector in its namespace (anywhere, for a policy in the root namespace), or a
 *   selector-less policy sits in a namespace without such pods. Checked only when the input has
 *   pods (or workloads), so a repo without them does not get a warning per policy.
 * - IST0101: a `from.source.namespaces`/`notNamespaces` entry (exact, "*", "prefix*", "*suffix")
 *   that matches no Namespace. Checked only when the input has Namespaces.
 */
export default defineAnalyzer({
  name: 'auth.AuthorizationPoliciesAnalyzer',
  description: 'Checks the validity of authorization policies',
  inputs: ['AuthorizationPolicy'],
  optionalInputs: ['Namespace', 'Pod'],
  messages: ['NoMatchingWorkloadsFound', 'ReferencedResourceNotFound'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const root = ctx.mesh.rootNamespace || ctx.istioNamespace;
    const checkPods = snapshot.isAvailable('Pod');
    const checkNamespaces = snapshot.isAvailable('Namespace');

    const podLabels = new Map<string, Labels[]>();
    for (const pod of snapshot.list('Pod')) {
      if (!podInMesh(snapshot, pod) && !podInAmbientMode(pod)) continue;
      const list = podLabels.get(pod.namespace) ?? [];
      list.push(pod.labels);
      podLabels.set(pod.namespace, list);
    }
    const anyMatch = (selector: Labels, lists: Iterable<Labels[]>) => {
      for (const l of lists) if (l.some((labels) => matchesLabels(selector, labels))) return true;
      return false;
    };
    const namespaceNames = snapshot.list('Namespace').map((n) => n.name);

    for (const ap of snapshot.list('AuthorizationPolicy')) {
      if (checkPods) {
        const sel = get(ap.object, 'spec', 'selector');
        const hasSelector = sel !== undefined && sel !== null;
        const selector = asStringMap(get(sel, 'matchLabels'));
        if (ap.namespace === root) {
          // A root-namespace policy applies mesh-wide; without a selector there is nothing to match.
          if (hasSelector && !anyMatch(selector, podLabels.values())) {
            ctx.report({ resource: ap, message: 'NoMatchingWorkloadsFound', args: [selectorString(selector)], path: ['spec', 'selector'] });
          }
        } else if (!hasSelector) {
          if (!(podLabels.get(ap.namespace)?.length)) {
            ctx.report({ resource: ap, message: 'NoMatchingWorkloadsFound', args: [''] });
          }
        } else if (!anyMatch(selector, [podLabels.get(ap.namespace) ?? []])) {
          ctx.report({ resource: ap, message: 'NoMatchingWorkloadsFound', args: [selectorString(selector)], path: ['spec', 'selector'] });
        }
      }

      if (!checkNamespaces) continue;
      asObjects(get(ap.object, 'spec', 'rules')).forEach((rule, i) => {
        asObjects(rule.from).forEach((from, j) => {
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            asArray(get(from, 'source', field)).forEach((ns, k) => {
              const exp = String(ns);
              if (namespaceNames.some((n) => namespaceMatches(n, exp))) return;
              ctx.report({
                resource: ap,
                message: 'ReferencedResourceNotFound',
                args: ['namespace', exp],
                path: ['spec', 'rules', i, 'from', j, 'source', field, k],
              });
            });
          }
        });
      });
    }
  },
});

/** Istio's namespace match in AuthorizationPolicy sources: "*", "prefix*", "*suffix" or exact. */
export function namespaceMatches(ns: string, exp: string): boolean {
  if (exp === '*') return true;
  if (exp.startsWith('*')) return ns.endsWith(exp.slice(1));
  if (exp.endsWith('*')) return ns.startsWith(exp.slice(0, -1));
  return ns.toLowerCase() === exp.toLowerCase();
}
