/**
 * Uninstall planning (pure): which istio-ts-installed objects to delete for a revision or
 * --purge, which to keep and why, and how many proxies still point at the revision.
 */
import type { KubeObject } from '../kube/types.js';
import { COMPONENT_LABEL, MANAGED_BY_LABEL, REVISION_LABEL, isCrd } from './apply/ownership.js';
import { installerOf } from './precheck.js';
import { objectKey, type PruneTarget } from './plan.js';
import { podsOf } from './readiness.js';

export interface UninstallInput {
  /** Objects carrying istio-ts's managed-by label (of the revision, or all of them for --purge). */
  readonly owned: readonly KubeObject[];
  /** undefined with --purge. */
  readonly revision?: string;
  readonly purge: boolean;
  /** istiod Deployments in the cluster (any installer), to know which revisions stay. */
  readonly istiods: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
}

export interface UninstallPlan {
  readonly delete: readonly PruneTarget[];
  readonly kept: readonly { readonly target: PruneTarget; readonly reason: string }[];
  /** Revisions whose control plane remains after this uninstall. */
  readonly remainingRevisions: readonly string[];
  /** Pods whose sidecar (or label) points at the revision(s) being removed, as ns/name. */
  readonly proxies: readonly string[];
  /** istiod Deployments of the revision that istio-ts did not install (Helm, istioctl), described. */
  readonly foreign: readonly string[];
}

const CONTROL_PLANE_APPS = new Set(['istiod', 'ztunnel', 'istio-cni-node']);

const revOf = (o: KubeObject) => o.metadata?.labels?.['istio.io/rev'] || 'default';

function target(o: KubeObject): PruneTarget {
  return {
    key: objectKey(o),
    apiVersion: o.apiVersion ?? '',
    kind: o.kind ?? '',
    ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata?.name ?? '',
    ...(o.metadata?.labels?.[COMPONENT_LABEL] ? { component: o.metadata.labels[COMPONENT_LABEL] } : {}),
  };
}

/**
 * The revision a pod's proxy belongs to: the istio.io/rev label, else the `revision` field of
 * the sidecar.istio.io/status annotation the injector writes (pods injected through the
 * istio-injection=enabled namespace label carry no label, only the annotation), else undefined.
 */
export function proxyRevision(pod: KubeObject): string | undefined {
  // Control plane pods carry istio.io/rev too (a Helm-installed istiod-<rev> keeps running when
  // istio-ts removes nothing): they are not proxies.
  if (CONTROL_PLANE_APPS.has(pod.metadata?.labels?.app ?? '')) return undefined;
  const label = pod.metadata?.labels?.['istio.io/rev'];
  if (label) return label;
  const status = pod.metadata?.annotations?.['sidecar.istio.io/status'];
  if (!status) return undefined;
  try {
    const parsed = JSON.parse(status) as { revision?: unknown };
    return typeof parsed.revision === 'string' && parsed.revision !== '' ? parsed.revision : 'default';
  } catch {
    return 'default';
  }
}

export function planUninstall(input: UninstallInput): UninstallPlan {
  const removing = input.purge ? undefined : (input.revision || 'default');
  const remainingRevisions = input.purge
    ? []
    : [...new Set(input.istiods.filter((d) => !d.metadata?.deletionTimestamp).map(revOf))].filter((r) => r !== removing).sort();
  const del: PruneTarget[] = [];
  const kept: { target: PruneTarget; reason: string }[] = [];
  for (const o of input.owned) {
    if (o.metadata?.deletionTimestamp) continue;
    if (!input.purge && o.metadata?.labels?.[REVISION_LABEL] !== removing) continue;
    const t = target(o);
    if (isCrd(o) && !input.purge) {
      kept.push({ target: t, reason: 'CRDs are removed only with --purge (deleting them deletes every Istio resource)' });
      continue;
    }
    // Base objects (istio-reader RBAC, the default validator) serve every revision.
    if (!input.purge && o.metadata?.labels?.[COMPONENT_LABEL] === 'Base' && remainingRevisions.length > 0) {
      kept.push({ target: t, reason: `shared by the remaining revision(s) ${remainingRevisions.join(', ')}` });
      continue;
    }
    del.push(t);
  }
  // Pods of the workloads being deleted (istiod, gateways) go away with them: not left-behind proxies.
  const deleted = new Set(del.map((t) => t.key));
  const leaving = new Set(
    input.owned
      .filter((o) => (o.kind === 'Deployment' || o.kind === 'DaemonSet') && deleted.has(objectKey(o)))
      .flatMap((w) => podsOf(w, input.pods))
      .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`),
  );
  const proxies = input.pods
    .filter((p) => !p.metadata?.deletionTimestamp && !leaving.has(`${p.metadata?.namespace}/${p.metadata?.name}`))
    .filter((p) => {
      const r = proxyRevision(p);
      return r !== undefined && (input.purge || r === removing);
    })
    .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)
    .sort();
  const byKey = (a: PruneTarget, b: PruneTarget) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const foreign = input.istiods
    .filter((d) => !d.metadata?.deletionTimestamp && d.metadata?.labels?.[MANAGED_BY_LABEL] !== 'istio-ts' && (input.purge || revOf(d) === removing))
    .map((d) => `Deployment ${d.metadata?.namespace}/${d.metadata?.name} (revision ${revOf(d)}, installed by ${installerOf(d)})`)
    .sort();
  return { delete: del.sort(byKey), kept: kept.sort((a, b) => byKey(a.target, b.target)), remainingRevisions, proxies, foreign };
}
