/**
 * An in-memory KubeWriteClient for install/uninstall/precheck tests. apply merges like a
 * simplified server-side apply (the applied fields replace, others stay) and keeps status;
 * `onApply` lets a test play the controllers (make a Deployment ready, or never).
 */
import type { AccessAnswer, AccessQuestion, ApplyOptions, KubeObject, KubeWriteClient, ListOptions, PortForwardSession, ResourceInfo, ServerVersion } from '../../src/kube/types.js';
import { KubeError } from '../../src/kube/types.js';
import { objectKey } from '../../src/install/plan.js';

const KINDS: Record<string, ResourceInfo> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/Pod': { plural: 'pods', namespaced: true },
  'v1/Event': { plural: 'events', namespaced: true },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'apps/v1/DaemonSet': { plural: 'daemonsets', namespaced: true },
  'autoscaling/v2/HorizontalPodAutoscaler': { plural: 'horizontalpodautoscalers', namespaced: true },
  'policy/v1/PodDisruptionBudget': { plural: 'poddisruptionbudgets', namespaced: true },
  'rbac.authorization.k8s.io/v1/Role': { plural: 'roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { plural: 'rolebindings', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { plural: 'clusterrolebindings', namespaced: false },
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': { plural: 'mutatingwebhookconfigurations', namespaced: false },
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': { plural: 'validatingwebhookconfigurations', namespaced: false },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { plural: 'customresourcedefinitions', namespaced: false },
};

export interface FakeOptions {
  /** Called after every real (not dry-run) apply with the stored object; may set status. */
  onApply?: (o: KubeObject, kube: FakeKube) => void;
  /** Refuse these apply calls (by objectKey) with this message. */
  refuse?: Record<string, string>;
  version?: ServerVersion;
  canI?: (q: AccessQuestion) => AccessAnswer;
}

export class FakeKube implements KubeWriteClient {
  readonly defaultNamespace = 'default';
  readonly store = new Map<string, KubeObject>();
  /** Every mutating call, in order: "apply Kind/ns/name", "dry-run …", "delete …". */
  readonly log: string[] = [];
  private rv = 1;
  constructor(private readonly opts: FakeOptions = {}) {}

  put(...objs: KubeObject[]): this {
    for (const o of objs) this.store.set(objectKey(o), structuredClone(o));
    return this;
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject> {
    const o = await this.read(apiVersion, kind, namespace, name);
    if (!o) throw new KubeError(`get ${kind} ${name}: not found`, 404);
    return o;
  }

  async read(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const o = this.store.get(objectKey({ apiVersion, kind, metadata: { ...(namespace ? { namespace } : {}), name } }));
    return o ? structuredClone(o) : undefined;
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeObject[]> {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    // Equality (k=v), existence (k) and non-existence (!k) requirements, as the API server reads them.
    const wanted = (opts.labelSelector ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const matches = (labels: Record<string, string> | undefined, req: string): boolean => {
      if (req.startsWith('!')) return labels?.[req.slice(1)] === undefined;
      const eq = req.indexOf('=');
      return eq < 0 ? labels?.[req] !== undefined : labels?.[req.slice(0, eq)] === req.slice(eq + 1);
    };
    return [...this.store.values()]
      .filter((o) => o.kind === kind && (o.apiVersion?.includes('/') ? o.apiVersion.split('/')[0] : '') === group)
      .filter((o) => !namespace || o.metadata?.namespace === namespace)
      .filter((o) => wanted.every((req) => matches(o.metadata?.labels, req)))
      .map((o) => structuredClone(o));
  }

  async apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    const key = objectKey(obj);
    const ref = `${obj.kind}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name}`;
    this.log.push(`${opts.dryRun ? 'dry-run' : 'apply'} ${ref}`);
    if (opts.fieldManager !== 'istio-ts') throw new Error('unexpected field manager');
    if (!(await this.resource(obj.apiVersion ?? '', obj.kind ?? ''))) throw new KubeError(`apply ${ref}: not served`, 404);
    const refusal = this.opts.refuse?.[key];
    if (refusal) throw new KubeError(`apply ${ref}: ${refusal}`, 422);
    const ns = obj.metadata?.namespace;
    if (ns && !this.store.has(objectKey({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }))) throw new KubeError(`apply ${ref}: namespaces "${ns}" not found`, 404);
    const live = this.store.get(key);
    const { status: _s, ...desired } = structuredClone(obj);
    const merged: KubeObject = {
      ...(live ?? {}),
      ...desired,
      metadata: { ...(live?.metadata ?? {}), ...(desired.metadata ?? {}) },
      ...(live?.status ? { status: live.status } : {}),
    };
    const changed = !live || JSON.stringify({ ...live, metadata: { ...live.metadata, resourceVersion: undefined } }) !== JSON.stringify({ ...merged, metadata: { ...merged.metadata, resourceVersion: undefined } });
    (merged.metadata as Record<string, unknown>).resourceVersion = changed ? String(this.rv + 1) : (live?.metadata as Record<string, unknown> | undefined)?.resourceVersion;
    (merged.metadata as Record<string, unknown>).managedFields = [{ manager: 'istio-ts', time: opts.dryRun ? 'dry' : String(this.rv) }];
    if (opts.dryRun) return structuredClone(merged);
    if (changed) this.rv++;
    this.store.set(key, merged);
    this.opts.onApply?.(merged, this);
    return structuredClone(this.store.get(key)!);
  }

  async remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<boolean> {
    const key = objectKey({ apiVersion, kind, metadata: { ...(namespace ? { namespace } : {}), name } });
    this.log.push(`delete ${kind}/${namespace ? `${namespace}/` : ''}${name}`);
    return this.store.delete(key);
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    return KINDS[`${apiVersion}/${kind}`];
  }

  async serverVersion(): Promise<ServerVersion> {
    return this.opts.version ?? { major: '1', minor: '33', gitVersion: 'v1.33.2' };
  }

  async canI(q: AccessQuestion): Promise<AccessAnswer> {
    return this.opts.canI?.(q) ?? { allowed: true };
  }

  async portForward(): Promise<PortForwardSession> {
    throw new Error('not in this fake');
  }

  async logs(): Promise<string> {
    throw new Error('not in this fake');
  }
}

/** Controllers that make every workload ready at once and every CRD Established. */
export function instantControllers(o: KubeObject): void {
  const gen = (o.metadata as Record<string, unknown>).generation ?? 1;
  (o.metadata as Record<string, unknown>).generation = gen;
  if (o.kind === 'Deployment') {
    const n = (o.spec?.replicas as number | undefined) ?? 1;
    o.status = { observedGeneration: gen, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n };
  } else if (o.kind === 'DaemonSet') {
    o.status = { observedGeneration: gen, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberReady: 1 };
  } else if (o.kind === 'CustomResourceDefinition') {
    o.status = { conditions: [{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' }] };
  }
}

/** A clock whose sleep advances time instantly. */
export function fakeClock(start = 0) {
  let t = start;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}
