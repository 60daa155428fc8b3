/**
 * Install against a cluster: observe (live objects + server-side dry runs + owned objects) →
 * plan (pure, ../plan.ts) → execute (namespaces, then components in dependency order: CRDs,
 * wait Established, the rest of Base, wait; Pilot, wait; …) → prune what this revision no
 * longer renders. Progress goes to an observer; nothing here prints.
 */
import { KubeError, type KubeObject, type KubeWriteClient } from '../../kube/types.js';
import type { K8sObject } from '../../resources/types.js';
import { objectKey, planInstall, reconcileWithLive, type Observation, type Plan, type PlannedObject, type PruneTarget } from '../plan.js';
import type { ComponentReadiness } from '../readiness.js';
import type { ComponentName, RenderedObject } from '../types.js';
import { COMPONENT_DEPENDS_ON, COMPONENT_ORDER, FIELD_MANAGER, OWNED_KINDS, isCrd, revisionSelector } from './ownership.js';
import { waitForReady, type Clock } from './wait.js';

/** Observes the cluster for the desired objects and returns the plan. */
export async function observeAndPlan(kube: KubeWriteClient, desired: readonly RenderedObject[], revision: string): Promise<Plan> {
  const namespaces = [...new Set(desired.map((d) => d.object.metadata.namespace).filter((n): n is string => !!n))];
  const missing = (await Promise.all(namespaces.map(async (ns) => ((await kube.read('v1', 'Namespace', undefined, ns)) ? undefined : ns)))).filter(
    (n): n is string => n !== undefined,
  );
  const observed = new Map<string, Observation>();
  await mapLimit(desired, 8, async (d) => {
    const o = d.object;
    const live = await kube.read(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name ?? '');
    const obs: { live?: KubeObject; dryRun?: KubeObject; error?: string } = live ? { live } : {};
    if (!o.metadata.namespace || !missing.includes(o.metadata.namespace)) {
      try {
        obs.dryRun = await kube.apply(reconcileWithLive(o, live) as KubeObject, { fieldManager: FIELD_MANAGER, force: true, dryRun: true });
      } catch (e) {
        obs.error = e instanceof Error ? e.message : String(e);
      }
    }
    observed.set(objectKey(o), obs);
  });
  const owned = await listOwned(kube, revisionSelector(revision));
  return planInstall({ desired, observed, owned, missingNamespaces: missing });
}

/** Every object carrying the selector's labels, over the kinds istio-ts installs (kinds not served are skipped). */
export async function listOwned(kube: KubeWriteClient, labelSelector: string): Promise<KubeObject[]> {
  const lists = await mapLimit(OWNED_KINDS, 6, async (k) => {
    if (!(await kube.resource(k.apiVersion, k.kind))) return [];
    const items = await kube.list(k.apiVersion, k.kind, undefined, { labelSelector });
    // list() may return typed objects without apiVersion/kind; they are needed for keys and deletes.
    return items.map((i) => ({ ...i, apiVersion: k.apiVersion, kind: k.kind }));
  });
  return lists.flat();
}

export type ComponentStatus = 'ready' | 'failed' | 'timeout' | 'skipped';

export interface ComponentOutcome {
  readonly component: ComponentName;
  readonly status: ComponentStatus;
  /** Objects written (creates + updates). */
  readonly applied: number;
  readonly objects: number;
  readonly elapsedMs: number;
  readonly error?: string;
  readonly readiness?: ComponentReadiness;
}

export interface InstallObserver {
  componentStart(c: ComponentName, waitingFor: readonly string[]): void;
  componentWaiting(c: ComponentName, r: ComponentReadiness, elapsedMs: number): void;
  componentDone(o: ComponentOutcome): void;
  pruned(t: PruneTarget, error?: string): void;
}

export interface ExecuteOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly observer: InstallObserver;
}

export interface InstallResult {
  readonly ok: boolean;
  readonly components: readonly ComponentOutcome[];
  readonly pruned: readonly PruneTarget[];
  readonly pruneErrors: readonly { target: PruneTarget; error: string }[];
  readonly createdNamespaces: readonly string[];
}

export async function executePlan(kube: KubeWriteClient, plan: Plan, o: ExecuteOptions): Promise<InstallResult> {
  for (const ns of plan.createNamespaces) {
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: FIELD_MANAGER, force: true });
  }
  const outcomes = new Map<ComponentName, ComponentOutcome>();
  for (const c of COMPONENT_ORDER) {
    const objs = plan.objects.filter((p) => p.component === c);
    if (objs.length === 0) continue;
    const blockedBy = COMPONENT_DEPENDS_ON[c].find((d) => outcomes.has(d) && outcomes.get(d)!.status !== 'ready');
    if (blockedBy) {
      const out: ComponentOutcome = { component: c, status: 'skipped', applied: 0, objects: objs.length, elapsedMs: 0, error: `not applied: ${blockedBy} is not ready` };
      outcomes.set(c, out);
      o.observer.componentDone(out);
      continue;
    }
    const out = await installComponent(kube, c, objs, o);
    outcomes.set(c, out);
    o.observer.componentDone(out);
  }
  const components = [...outcomes.values()];
  const ok = components.every((c) => c.status === 'ready');
  const pruned: PruneTarget[] = [];
  const pruneErrors: { target: PruneTarget; error: string }[] = [];
  // Prune only after a fully successful install: a half-applied revision must not lose objects
  // it may still need (istioctl prunes after waiting, too).
  if (ok) {
    for (const t of pruneOrder(plan.prune)) {
      try {
        await kube.remove(t.apiVersion, t.kind, t.namespace, t.name, { propagationPolicy: 'Background' });
        pruned.push(t);
        o.observer.pruned(t);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        pruneErrors.push({ target: t, error });
        o.observer.pruned(t, error);
      }
    }
  }
  return { ok: ok && pruneErrors.length === 0, components, pruned, pruneErrors, createdNamespaces: plan.createNamespaces };
}

async function installComponent(kube: KubeWriteClient, c: ComponentName, objs: readonly PlannedObject[], o: ExecuteOptions): Promise<ComponentOutcome> {
  const start = o.clock.now();
  const crds = objs.filter((p) => isCrd(p.object));
  const rest = objs.filter((p) => !isCrd(p.object));
  let applied = 0;
  const base = { component: c, objects: objs.length };
  const waitOpts = (timeoutMs: number) => ({
    timeoutMs,
    since: start,
    intervalMs: o.intervalMs,
    clock: o.clock,
    onPoll: (r: ComponentReadiness, ms: number) => o.observer.componentWaiting(c, r, ms),
  });
  o.observer.componentStart(c, objs.filter((p) => ['Deployment', 'DaemonSet', 'CustomResourceDefinition'].includes(p.object.kind)).map((p) => ref(p.object)));
  for (const batch of [crds, rest]) {
    if (batch.length === 0) continue;
    for (const p of batch) {
      if (p.action === 'unchanged') continue;
      try {
        const live = p.action === 'update' ? await kube.read(p.object.apiVersion, p.object.kind, p.object.metadata.namespace, p.object.metadata.name ?? '') : undefined;
        await kube.apply(reconcileWithLive(p.object, live) as KubeObject, { fieldManager: FIELD_MANAGER, force: true });
        applied++;
      } catch (e) {
        const msg = e instanceof KubeError || e instanceof Error ? e.message : String(e);
        return { ...base, status: 'failed', applied, elapsedMs: o.clock.now() - start, error: msg.startsWith('apply ') ? msg : `apply ${ref(p.object)}: ${msg}` };
      }
    }
    // CRDs must be Established before anything that uses them is applied.
    const remaining = Math.max(0, o.timeoutMs - (o.clock.now() - start));
    const w = await waitForReady(kube, batch.map((p) => p.object), waitOpts(remaining));
    if (w.timedOut) return { ...base, status: 'timeout', applied, elapsedMs: o.clock.now() - start, readiness: w.readiness };
  }
  return { ...base, status: 'ready', applied, elapsedMs: o.clock.now() - start };
}

function ref(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/**
 * Deletion order: webhooks first (a webhook pointing at a deleted istiod with failurePolicy
 * Fail blocks pod creation cluster-wide), then workloads, then what they use (RBAC, config,
 * Services), CRDs last.
 */
const DELETE_PRIORITY: Record<string, number> = {
  MutatingWebhookConfiguration: 0,
  ValidatingWebhookConfiguration: 0,
  HorizontalPodAutoscaler: 1,
  PodDisruptionBudget: 1,
  Deployment: 2,
  DaemonSet: 2,
  Service: 3,
  CustomResourceDefinition: 9,
};

export function pruneOrder<T extends { kind: string; key: string }>(targets: readonly T[]): T[] {
  return [...targets].sort((a, b) => (DELETE_PRIORITY[a.kind] ?? 5) - (DELETE_PRIORITY[b.kind] ?? 5) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  const worker = async () => {
    while (i < items.length) {
      const idx = i++;
      out[idx] = await fn(items[idx]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export { mapLimit };
