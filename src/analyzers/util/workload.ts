import type { Snapshot } from '../../analysis/snapshot.js';
import type { FieldPath, Labels, Resource } from '../../resources/types.js';
import { asRecord, asStringMap, get } from '../../util/objects.js';
import { matchesLabels } from './selector.js';

/** Pod annotation istio-cni sets once ztunnel captures the pod's traffic. */
const AMBIENT_REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';
/** Namespace label that enrolls workloads in ambient mode. */
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

/** upstream util.PodInAmbientMode: ztunnel redirection is on for this pod. */
export function podInAmbientMode(pod: Resource | undefined): boolean {
  return pod?.annotations[AMBIENT_REDIRECTION_ANNOTATION] === 'enabled';
}

/**
 * upstream util.NamespaceInAmbientMode: `istio.io/dataplane-mode=ambient`, unless the namespace
 * also asks for sidecars (`istio-injection=enabled` or a non-empty `istio.io/rev`), which wins.
 */
export function namespaceInAmbientMode(ns: Resource | undefined): boolean {
  if (!ns) return false;
  if (ns.labels['istio-injection'] === 'enabled') return false;
  if (ns.labels['istio.io/rev']) return false;
  return ns.labels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/**
 * The pod's name as a message argument. A pod made up from a workload template has an invented
 * name, so it is shown as the workload the user wrote ("deployment/reviews").
 */
export function podDisplayName(pod: Resource): string {
  const owner = pod.synthetic?.owner;
  return owner ? `${owner.kind.toLowerCase()}/${owner.name}` : pod.name;
}

/** Upstream resource.FullName.String(): "namespace/name", or just the name without namespace. */
export function fullName(r: Pick<Resource, 'namespace' | 'name'>): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

/** Pods whose labels satisfy a plain map selector, optionally only in one namespace. */
export function podsMatching(snapshot: Snapshot, selector: Labels, namespace?: string): Resource[] {
  const pods = namespace === undefined ? snapshot.list('Pod') : snapshot.inNamespace('Pod', namespace);
  return pods.filter((p) => matchesLabels(selector, p.labels));
}

/**
 * Where upstream points a selector message: the line of the selector's first label (keys sorted,
 * as in the selector string), or the selector itself when it is empty.
 */
export function selectorLabelPath(base: FieldPath, selector: Labels): FieldPath {
  const first = Object.keys(selector).sort()[0];
  return first === undefined ? base : [...base, first];
}

/** `spec.selector.matchLabels` of a policy (Telemetry, AuthorizationPolicy, …). */
export function policyMatchLabels(r: Resource): Labels {
  return asStringMap(get(r.object, 'spec', 'selector', 'matchLabels'));
}

/** True when a policy binds through `targetRef`/`targetRefs` instead of a workload selector. */
export function hasTargetRef(r: Resource): boolean {
  const spec = asRecord(get(r.object, 'spec'));
  if (spec.targetRef && typeof spec.targetRef === 'object') return true;
  return Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0;
}
