import type { Snapshot } from '../../analysis/snapshot.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asStringMap, get, isPlainObject } from '../../util/objects.js';
import { matchesLabelSelector } from './selector.js';

/** Namespace label that turns on sidecar injection (`istio-injection=enabled`). */
export const INJECTION_LABEL = 'istio-injection';
/** Namespace/pod label selecting a control-plane revision. */
export const REVISION_LABEL = 'istio.io/rev';
/** Namespace label enrolling workloads in ambient mode. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** Label and (deprecated) annotation a workload uses to opt in or out of injection. */
export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
/** Pod annotation set by istio-cni once a pod is captured by ztunnel. */
export const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';
export const ISTIO_PROXY = 'istio-proxy';
export const INJECTOR_CONFIGMAP = 'istio-sidecar-injector';

/**
 * upstream util.GetInjectorConfigMapName: the default revision uses the bare name, every other
 * revision gets a `-<rev>` suffix.
 */
export function injectorConfigMapName(revision: string): string {
  return revision === '' || revision === 'default' ? INJECTOR_CONFIGMAP : `${INJECTOR_CONFIGMAP}-${revision}`;
}

/** The injector ConfigMap's `data.values` JSON, or undefined when absent or not JSON. */
export function injectorValues(cm: Resource): Record<string, unknown> | undefined {
  const raw = get(cm.object, 'data', 'values');
  if (typeof raw !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return isPlainObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Every ConfigMap with the given name, in any namespace (upstream matches the injector by name only). */
export function configMapsNamed(snapshot: Snapshot, name: string): Resource[] {
  return snapshot.list('ConfigMap').filter((r) => r.name === name);
}

/**
 * The proxy image the injector would use: `global.proxy.image` verbatim when it already contains a
 * registry path (the injection template has the same `contains "/"` branch), else hub/image:tag.
 */
export function injectorProxyImage(values: Record<string, unknown> | undefined): string {
  const global = asRecord(values?.global);
  const image = String(get(global, 'proxy', 'image') ?? '');
  if (image.includes('/')) return image;
  return `${String(global.hub ?? '')}/${image}:${String(global.tag ?? '')}`;
}

interface Container {
  name?: unknown;
  image?: unknown;
}

/** Containers then init containers of a pod spec (native sidecars live in initContainers). */
export function allContainers(spec: unknown): Container[] {
  return [...asObjects<Container>(get(spec, 'containers')), ...asObjects<Container>(get(spec, 'initContainers'))];
}

/** The image of the first container named istio-proxy ("" when none, or when it has no image). */
export function proxyImageOf(containers: readonly Container[]): string {
  const c = containers.find((x) => x.name === ISTIO_PROXY);
  return c && typeof c.image === 'string' ? c.image : '';
}

/** Namespace labels by namespace name ("" when the Namespace object is not in the snapshot). */
export function namespaceLabels(snapshot: Snapshot, namespace: string): Labels | undefined {
  return snapshot.get('Namespace', '', namespace)?.labels;
}

/**
 * upstream analyzers/util/in_mesh.go inMesh: an istio-proxy container with an image wins; else the
 * `sidecar.istio.io/inject` label, else the same annotation ("true" means in); else the namespace's
 * `istio-injection=enabled` label. A label with another value counts as "out", it does not fall through.
 */
export function inMesh(
  snapshot: Snapshot,
  meta: { labels: Labels; annotations: Labels },
  namespace: string,
  containers: readonly Container[],
): boolean {
  if (proxyImageOf(containers) !== '') return true;
  if (SIDECAR_INJECT in meta.labels) return meta.labels[SIDECAR_INJECT] === 'true';
  if (SIDECAR_INJECT in meta.annotations) return meta.annotations[SIDECAR_INJECT] === 'true';
  const ns = namespaceLabels(snapshot, namespace);
  return ns ? ns[INJECTION_LABEL] === 'enabled' : false;
}

/** upstream util.PodInMesh. */
export function podInMesh(snapshot: Snapshot, pod: Resource): boolean {
  return inMesh(snapshot, pod, pod.namespace, allContainers(get(pod.object, 'spec')));
}

/** upstream util.DeploymentInMesh: judged on the pod template (only its regular containers). */
export function deploymentInMesh(snapshot: Snapshot, d: Resource): boolean {
  const tpl = asRecord(get(d.object, 'spec', 'template'));
  const meta = asRecord(tpl.metadata);
  return inMesh(
    snapshot,
    { labels: asStringMap(meta.labels), annotations: asStringMap(meta.annotations) },
    d.namespace,
    asObjects<Container>(get(tpl, 'spec', 'containers')),
  );
}

/** upstream util.PodInAmbientMode: istio-cni marked the pod as captured. */
export function podInAmbientMode(pod: Resource): boolean {
  return pod.annotations[AMBIENT_REDIRECTION] === 'enabled';
}

/** A pod made up from a workload template: it never shows the injected sidecar. */
export function isTemplatePod(r: Resource): boolean {
  return r.synthetic?.reason === 'workload-template';
}

/**
 * A webhook namespaceSelector/objectSelector against a label set, as the API server evaluates it:
 * a missing selector matches everything; a malformed one (In/NotIn without values, Exists with
 * values, unknown operator) matches nothing, as metav1.LabelSelectorAsSelector fails on it.
 */
export function webhookSelectorMatches(selector: unknown, labels: Labels): boolean {
  if (selector === undefined || selector === null) return true;
  if (!isPlainObject(selector)) return false;
  for (const e of asObjects(selector.matchExpressions)) {
    const values = asArray(e.values);
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (!values.length) return false;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length) return false;
        break;
      default:
        return false;
    }
  }
  return matchesLabelSelector(selector, labels);
}
