import type { K8sObject } from '../../resources/types.js';
import { asRecord, deepMerge, isPlainObject } from '../../util/objects.js';
import type { ComponentName, ComponentSpec, K8sSettings, RenderedObject, Tree } from '../types.js';
import { CHART_VERSION } from '../version.js';
import type { ResolvedInstall } from '../operator.js';
import type { CrdData } from '../crds.js';

/** Everything a component renderer reads. Pure data: no files, no cluster. */
export interface RenderContext {
  readonly install: ResolvedInstall;
  /** Compact Istio CRD data (data/istio-crds.json); undefined renders no CRDs. */
  readonly crds?: CrdData;
  /** Builds the istio-sidecar-injector ConfigMap data from the effective values (src/inject). */
  readonly injector?: (values: Tree) => { config: string; values: string };
}

export const v = (t: unknown, ...path: string[]): unknown => {
  let cur = t;
  for (const p of path) cur = isPlainObject(cur) ? cur[p] : undefined;
  return cur;
};
export const vs = (t: unknown, ...path: string[]): string => {
  const x = v(t, ...path);
  return x === undefined || x === null ? '' : String(x);
};
export const vb = (t: unknown, ...path: string[]): boolean => v(t, ...path) === true;

/** Helm's standard labels (app.kubernetes.io/*, helm.sh/chart) as the Istio charts stamp them. */
export function chartLabels(chart: string, name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    'app.kubernetes.io/instance': 'istio',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': CHART_VERSION,
    'helm.sh/chart': `${chart}-${CHART_VERSION}`,
    release: 'istio',
  };
}

/** Labels the operator adds so install can prune and uninstall can select by component. */
export function operatorLabels(component: ComponentName): Record<string, string> {
  return { 'install.operator.istio.io/owning-resource': 'unknown', 'operator.istio.io/component': component };
}

/** `<hub>/<image>:<tag>[-<variant>]`; an image containing "/" is used as-is (charts allow full refs). */
export function imageRef(values: Tree, section: Tree, image: string): string {
  if (image.includes('/')) return image;
  const hub = vs(section, 'hub') || vs(values, 'global', 'hub');
  const tag = vs(section, 'tag') || vs(values, 'global', 'tag');
  const variant = vs(section, 'variant') || vs(values, 'global', 'variant');
  return `${hub}/${image}:${tag}${variant && variant !== 'debug' ? `-${variant}` : ''}`;
}

export function obj(component: ComponentName, o: K8sObject): RenderedObject {
  return { component, object: o };
}

export function revLabel(rev: string): string {
  return rev || 'default';
}

/** `name` or `name-<rev>`, upstream's revision suffix for istiod-owned objects. */
export function revName(name: string, rev: string): string {
  return rev ? `${name}-${rev}` : name;
}

/** Drops keys whose value is undefined so output stays minimal and stable. */
export function compact<T>(o: T): T {
  if (Array.isArray(o)) return o.map(compact) as T;
  if (!isPlainObject(o)) return o;
  const out: Tree = {};
  for (const [k, val] of Object.entries(o)) if (val !== undefined) out[k] = compact(val);
  return out as T;
}

export function nonEmpty(o: unknown): boolean {
  if (o === undefined || o === null) return false;
  if (Array.isArray(o)) return o.length > 0;
  if (isPlainObject(o)) return Object.keys(o).length > 0;
  return o !== '';
}

/**
 * Applies `components.<x>.k8s` to the component's objects the way istioctl's post-processing
 * does (operator/pkg/component + translate): fields land on the main Deployment/DaemonSet,
 * its Service, HPA and PDB (a PDB is created when the k8s block asks for one).
 */
export function applyK8s(
  objects: RenderedObject[],
  spec: ComponentSpec | undefined,
  target: { kind: 'Deployment' | 'DaemonSet'; name: string; container: string; namespace: string },
  component: ComponentName,
  baseLabels: Record<string, string>,
  selector: Record<string, string>,
): RenderedObject[] {
  const k8s: K8sSettings | undefined = spec?.k8s;
  if (!k8s) return objects;
  const find = (kind: string) => objects.find((o) => o.object.kind === kind && o.object.metadata.name === target.name)?.object;
  const wl = find(target.kind);
  if (wl) {
    const pod = asRecord(wl.spec?.template?.spec);
    const containers = (pod.containers as Tree[] | undefined) ?? [];
    const c = containers.find((x) => x.name === target.container) ?? containers[0];
    if (k8s.resources && c) c.resources = k8s.resources;
    if (k8s.env && c) {
      const env = ((c.env as Tree[] | undefined) ?? []).filter((e) => !k8s.env!.some((n) => n.name === e.name));
      c.env = [...env, ...k8s.env];
    }
    if (k8s.readinessProbe && c) c.readinessProbe = k8s.readinessProbe;
    if (k8s.imagePullPolicy && c) c.imagePullPolicy = k8s.imagePullPolicy;
    if (k8s.volumeMounts && c) c.volumeMounts = [...((c.volumeMounts as Tree[]) ?? []), ...k8s.volumeMounts];
    if (k8s.volumes) pod.volumes = [...((pod.volumes as Tree[]) ?? []), ...k8s.volumes];
    if (k8s.nodeSelector) pod.nodeSelector = k8s.nodeSelector;
    if (k8s.tolerations) pod.tolerations = k8s.tolerations;
    if (k8s.affinity) pod.affinity = k8s.affinity;
    if (k8s.priorityClassName) pod.priorityClassName = k8s.priorityClassName;
    if (k8s.securityContext) pod.securityContext = deepMerge(pod.securityContext ?? {}, k8s.securityContext);
    if (k8s.podAnnotations) {
      const md = asRecord(wl.spec.template.metadata);
      md.annotations = { ...asRecord(md.annotations), ...k8s.podAnnotations };
    }
    if (k8s.replicaCount !== undefined && target.kind === 'Deployment') wl.spec.replicas = k8s.replicaCount;
    if (k8s.strategy && target.kind === 'Deployment') wl.spec.strategy = k8s.strategy;
  }
  const svc = find('Service');
  if (svc) {
    if (k8s.service) svc.spec = deepMerge(svc.spec, k8s.service);
    if (k8s.serviceAnnotations) svc.metadata.annotations = { ...(svc.metadata.annotations ?? {}), ...k8s.serviceAnnotations };
  }
  if (k8s.hpaSpec) {
    const hpa = find('HorizontalPodAutoscaler');
    if (hpa) hpa.spec = deepMerge(hpa.spec, k8s.hpaSpec);
    else if (target.kind === 'Deployment') {
      objects.push(
        obj(component, {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: target.name, namespace: target.namespace, labels: baseLabels },
          spec: deepMerge(
            { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target.name }, minReplicas: 1, maxReplicas: 5 },
            k8s.hpaSpec,
          ),
        }),
      );
    }
  }
  if (k8s.podDisruptionBudget) {
    const pdb = find('PodDisruptionBudget');
    // maxUnavailable and minAvailable are exclusive in a PDB; the user's choice replaces the chart's.
    const pdbSpec = { ...k8s.podDisruptionBudget, selector: { matchLabels: selector } };
    if (pdb) pdb.spec = pdbSpec;
    else {
      objects.push(
        obj(component, {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name: target.name, namespace: target.namespace, labels: baseLabels },
          spec: pdbSpec,
        }),
      );
    }
  }
  return objects;
}
