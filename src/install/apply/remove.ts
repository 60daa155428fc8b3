/** Uninstall I/O: gather what planUninstall needs, then delete in a safe order. */
import type { KubeObject, KubeWriteClient } from '../../kube/types.js';
import type { PruneTarget } from '../plan.js';
import { planUninstall, type UninstallPlan } from '../uninstall.js';
import { MANAGED_SELECTOR, revisionSelector } from './ownership.js';
import { listOwned, pruneOrder } from './run.js';

export async function observeUninstall(kube: KubeWriteClient, o: { revision?: string; purge: boolean }): Promise<UninstallPlan> {
  const owned = await listOwned(kube, o.purge ? MANAGED_SELECTOR : revisionSelector(o.revision ?? ''));
  const istiods = await kube.list('apps/v1', 'Deployment', undefined, { labelSelector: 'app=istiod' });
  const pods: KubeObject[] = await kube.list('v1', 'Pod', undefined);
  return planUninstall({ owned, ...(o.revision !== undefined ? { revision: o.revision } : {}), purge: o.purge, istiods, pods });
}

export interface RemoveResult {
  readonly deleted: readonly PruneTarget[];
  readonly alreadyGone: readonly PruneTarget[];
  readonly errors: readonly { readonly target: PruneTarget; readonly error: string }[];
}

export async function executeUninstall(kube: KubeWriteClient, plan: UninstallPlan, onDelete: (t: PruneTarget, error?: string) => void): Promise<RemoveResult> {
  const deleted: PruneTarget[] = [];
  const alreadyGone: PruneTarget[] = [];
  const errors: { target: PruneTarget; error: string }[] = [];
  for (const t of pruneOrder(plan.delete)) {
    try {
      if (await kube.remove(t.apiVersion, t.kind, t.namespace, t.name, { propagationPolicy: 'Background' })) deleted.push(t);
      else alreadyGone.push(t);
      onDelete(t);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      errors.push({ target: t, error });
      onDelete(t, error);
    }
  }
  return { deleted, alreadyGone, errors };
}
