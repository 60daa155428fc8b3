/**
 * Pod references as istioctl takes them: `name[.namespace]`, `type/name[.namespace]` (deploy,
 * statefulset, daemonset, replicaset, service, pod) and label selectors (-l). The namespace is the
 * part after the last "." that follows the last "/"; pod names cannot contain dots, so this is
 * unambiguous for pods (workload names can, and then need -n).
 */
import type { KubeClient, KubeObject } from './types.js';
import { KindError } from '../util/errors.js';

export interface PodRef {
  kind: WorkloadKind;
  name: string;
  namespace: string;
}

export type WorkloadKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Service';

const KINDS: Record<string, { kind: WorkloadKind; apiVersion: string }> = {};
for (const [aliases, kind, apiVersion] of [
  [['po', 'pod', 'pods'], 'Pod', 'v1'],
  [['deploy', 'deployment', 'deployments', 'deployment.apps'], 'Deployment', 'apps/v1'],
  [['sts', 'statefulset', 'statefulsets', 'statefulset.apps'], 'StatefulSet', 'apps/v1'],
  [['ds', 'daemonset', 'daemonsets', 'daemonset.apps'], 'DaemonSet', 'apps/v1'],
  [['rs', 'replicaset', 'replicasets', 'replicaset.apps'], 'ReplicaSet', 'apps/v1'],
  [['svc', 'service', 'services'], 'Service', 'v1'],
] as const) {
  for (const a of aliases) KINDS[a] = { kind: kind as WorkloadKind, apiVersion };
}

export class PodRefError extends KindError {
  constructor(message: string) {
    super(message, 'usage');
    this.name = 'PodRefError';
  }
}

export function parsePodRef(ref: string, defaultNamespace: string): PodRef {
  let kind: WorkloadKind = 'Pod';
  let rest = ref.trim();
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const type = rest.slice(0, slash).toLowerCase();
    const k = KINDS[type];
    if (!k) throw new PodRefError(`unsupported resource type "${type}" in "${ref}"; use pod, deploy, sts, ds, rs or svc`);
    kind = k.kind;
    rest = rest.slice(slash + 1);
  }
  let namespace = defaultNamespace;
  const dot = rest.lastIndexOf('.');
  if (dot > 0 && dot < rest.length - 1) {
    namespace = rest.slice(dot + 1);
    rest = rest.slice(0, dot);
  }
  if (!rest || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(rest)) throw new PodRefError(`"${ref}" is not a valid pod reference ([type/]name[.namespace])`);
  return { kind, name: rest, namespace };
}

/** A workload's spec.selector (matchLabels + matchExpressions, or a Service's map) as a label selector string. */
export function selectorOf(obj: KubeObject): string {
  const spec = obj.spec ?? {};
  const sel = spec.selector as Record<string, unknown> | undefined;
  if (!sel) return '';
  if (obj.kind === 'Service') return Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`).join(',');
  const parts: string[] = [];
  for (const [k, v] of Object.entries((sel.matchLabels as Record<string, string>) ?? {})) parts.push(`${k}=${v}`);
  for (const e of (sel.matchExpressions as { key: string; operator: string; values?: string[] }[]) ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export function isPodReady(pod: KubeObject): boolean {
  const status = pod.status ?? {};
  if (status.phase !== 'Running' || pod.metadata?.deletionTimestamp) return false;
  const conds = (status.conditions as { type: string; status: string }[]) ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Order in which a pod is picked for a workload (like kubectl's "ByLogging"): ready before not
 * ready, running before pending, then newer first, then name for determinism.
 */
export function comparePodsForPick(a: KubeObject, b: KubeObject): number {
  const ready = Number(isPodReady(b)) - Number(isPodReady(a));
  if (ready) return ready;
  const running = Number(b.status?.phase === 'Running') - Number(a.status?.phase === 'Running');
  if (running) return running;
  const ta = Date.parse(String(a.metadata?.creationTimestamp ?? '')) || 0;
  const tb = Date.parse(String(b.metadata?.creationTimestamp ?? '')) || 0;
  if (ta !== tb) return tb - ta;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

export interface ResolvedPod {
  name: string;
  namespace: string;
}

/** The pod a reference points at: the pod itself, or the first pick among a workload's pods. */
export async function resolvePod(kube: KubeClient, ref: PodRef): Promise<ResolvedPod> {
  if (ref.kind === 'Pod') return { name: ref.name, namespace: ref.namespace };
  const apiVersion = Object.values(KINDS).find((k) => k.kind === ref.kind)!.apiVersion;
  const owner = await kube.get(apiVersion, ref.kind, ref.namespace, ref.name);
  const selector = selectorOf(owner);
  if (!selector) throw new PodRefError(`${ref.kind} ${ref.namespace}/${ref.name} has no pod selector`);
  const pods = await kube.list('v1', 'Pod', ref.namespace, { labelSelector: selector });
  if (pods.length === 0) throw new PodRefError(`no pods found for ${ref.kind} ${ref.namespace}/${ref.name} (selector ${selector})`);
  const pick = [...pods].sort(comparePodsForPick)[0]!;
  return { name: pick.metadata?.name ?? '', namespace: ref.namespace };
}

/** Every running pod matching a label selector in a namespace (for commands that act on many pods). */
export async function resolveSelector(kube: KubeClient, namespace: string, selector: string): Promise<ResolvedPod[]> {
  const pods = await kube.list('v1', 'Pod', namespace, { labelSelector: selector });
  return pods
    .filter((p) => p.status?.phase === 'Running')
    .map((p) => ({ name: p.metadata?.name ?? '', namespace: p.metadata?.namespace ?? namespace }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
