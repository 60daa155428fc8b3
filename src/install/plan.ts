/**
 * Pure install planning: desired objects + what the cluster said about them (live object and
 * server-side dry-run result) + the objects this revision owns today → creates, updates,
 * unchanged objects and prunes. No I/O here; src/install/apply/run.ts fetches the inputs.
 */
import type { KubeObject } from '../kube/types.js';
import type { K8sObject } from '../resources/types.js';
import { isPlainObject } from '../util/objects.js';
import { NOT_PRUNED_LABEL, isCrd } from './apply/ownership.js';
import type { ComponentName, RenderedObject } from './types.js';

const TAG_LABEL = 'istio.io/tag';

export type Action = 'create' | 'update' | 'unchanged';

/** What the cluster told us about one desired object. */
export interface Observation {
  readonly live?: KubeObject;
  /** The result of a server-side dry-run apply; absent when the namespace does not exist yet. */
  readonly dryRun?: KubeObject;
  /** Why the dry-run apply was refused (admission, validation, RBAC). */
  readonly error?: string;
}

export interface PlannedObject {
  readonly key: string;
  readonly component: ComponentName;
  readonly object: K8sObject;
  readonly action: Action;
  /** Changed field paths for updates (e.g. spec.template.spec.containers[0].image). */
  readonly changes: readonly string[];
  readonly error?: string;
}

export interface PruneTarget {
  readonly key: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly component?: string;
}

export interface Plan {
  readonly objects: readonly PlannedObject[];
  readonly prune: readonly PruneTarget[];
  /** Namespaces install has to create first. */
  readonly createNamespaces: readonly string[];
}

export interface PlanInput {
  readonly desired: readonly RenderedObject[];
  readonly observed: ReadonlyMap<string, Observation>;
  /** Live objects carrying this revision's ownership labels. */
  readonly owned: readonly KubeObject[];
  readonly missingNamespaces: readonly string[];
}

const group = (apiVersion: string | undefined) => (apiVersion?.includes('/') ? apiVersion.split('/')[0]! : '');

/** Identity of an object across API versions of its group (autoscaling/v2 and v1 HPAs are one object). */
export function objectKey(o: { apiVersion?: string; kind?: string; metadata?: { namespace?: string; name?: string } }): string {
  return `${group(o.apiVersion)}/${o.kind ?? ''}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** `Kind/ns/name` or `Kind/name`, the way istioctl names objects in progress lines. */
export function objectRef(o: { kind?: string; metadata?: { namespace?: string; name?: string } } | PruneTarget): string {
  if ('key' in o && 'name' in o && typeof o.name === 'string') return `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  const m = (o as { metadata?: { namespace?: string; name?: string } }).metadata;
  return `${o.kind}/${m?.namespace ? `${m.namespace}/` : ''}${m?.name ?? ''}`;
}

export function planInstall(input: PlanInput): Plan {
  const objects: PlannedObject[] = input.desired.map((r) => {
    const key = objectKey(r.object);
    const seen = input.observed.get(key) ?? {};
    const base = { key, component: r.component, object: r.object };
    if (seen.error) return { ...base, action: seen.live ? 'update' : 'create', changes: [], error: seen.error };
    if (!seen.live) return { ...base, action: 'create', changes: [] };
    // Without a dry-run result (should not happen once the namespace exists) assume a change:
    // applying an unchanged object is harmless, skipping a changed one is not.
    if (!seen.dryRun) return { ...base, action: 'update', changes: ['(not compared)'] };
    const changes = diffPaths(comparable(seen.live), comparable(seen.dryRun));
    return { ...base, action: changes.length ? 'update' : 'unchanged', changes };
  });
  const desiredKeys = new Set(objects.map((o) => o.key));
  const prune: PruneTarget[] = [];
  for (const o of input.owned) {
    const key = objectKey(o);
    if (desiredKeys.has(key) || isCrd(o) || o.metadata?.deletionTimestamp) continue;
    if (o.metadata?.labels?.[NOT_PRUNED_LABEL] === 'true') continue;
    // A revision tag's injector webhook belongs to `tag set`, never to install (no profile renders
    // one). Tags made before tag.ts stopped copying the revision's ownership labels still carry
    // them; pruning one would silently stop injection for every namespace using the tag.
    if (o.kind === 'MutatingWebhookConfiguration' && o.metadata?.labels?.[TAG_LABEL] !== undefined) continue;
    prune.push({
      key,
      apiVersion: o.apiVersion ?? '',
      kind: o.kind ?? '',
      ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
      name: o.metadata?.name ?? '',
      ...(o.metadata?.labels?.['operator.istio.io/component'] ? { component: o.metadata.labels['operator.istio.io/component'] } : {}),
    });
  }
  prune.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { objects, prune, createNamespaces: [...input.missingNamespaces].sort() };
}

export function planHasChanges(p: Plan): boolean {
  return p.createNamespaces.length > 0 || p.prune.length > 0 || p.objects.some((o) => o.action !== 'unchanged');
}

export function planErrors(p: Plan): PlannedObject[] {
  return p.objects.filter((o) => o.error);
}

/**
 * The desired object adjusted for fields a controller legitimately changes after install:
 * istiod flips its ValidatingWebhookConfiguration's failurePolicy from the chart's Ignore to
 * Fail once its webhook serves (the chart starts open so the first install is not blocked).
 * Re-applying Ignore would re-open that gap on every install and report a change that is not one.
 */
export function reconcileWithLive(desired: K8sObject, live: KubeObject | undefined): K8sObject {
  if (!live || desired.kind !== 'ValidatingWebhookConfiguration') return desired;
  const liveHooks = Array.isArray(live.webhooks) ? (live.webhooks as Record<string, unknown>[]) : [];
  const hooks = Array.isArray(desired.webhooks) ? (desired.webhooks as Record<string, unknown>[]) : [];
  if (!hooks.some((h) => h.failurePolicy === 'Ignore' && liveHooks.some((l) => l.name === h.name && l.failurePolicy === 'Fail'))) return desired;
  const out = structuredClone(desired);
  out.webhooks = hooks.map((h) => (h.failurePolicy === 'Ignore' && liveHooks.some((l) => l.name === h.name && l.failurePolicy === 'Fail') ? { ...h, failurePolicy: 'Fail' } : h));
  return out;
}

/** Fields that change on every write or belong to controllers, dropped before comparing. */
function comparable(o: KubeObject): unknown {
  const { status: _status, metadata = {}, ...rest } = o;
  const { managedFields: _mf, resourceVersion: _rv, generation: _g, ...md } = metadata as Record<string, unknown>;
  return { ...rest, metadata: md };
}

/** Paths where a and b differ, depth-first, in key order; at most `limit` of them. */
export function diffPaths(a: unknown, b: unknown, limit = 20): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, path: string) => {
    if (out.length >= limit) return;
    if (isPlainObject(x) && isPlainObject(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const k of keys) walk(x[k], y[k], path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) {
        out.push(`${path} (${x.length} → ${y.length} items)`);
        return;
      }
      x.forEach((item, i) => walk(item, y[i], `${path}[${i}]`));
      return;
    }
    if (!sameScalar(x, y)) out.push(path);
  };
  walk(a, b, '');
  return out;
}

function sameScalar(x: unknown, y: unknown): boolean {
  if (x instanceof Date || y instanceof Date) return new Date(x as string).getTime() === new Date(y as string).getTime();
  if (typeof x === 'object' || typeof y === 'object') return JSON.stringify(x) === JSON.stringify(y);
  return x === y;
}
