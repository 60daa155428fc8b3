import type { RenderedObject } from '../types.js';
import { renderBase } from './base.js';
import { renderCni } from './cni.js';
import type { RenderContext } from './common.js';
import { renderGateways } from './gateways.js';
import { renderIstiod } from './istiod.js';
import { renderZtunnel } from './ztunnel.js';

export type { RenderContext } from './common.js';

/**
 * Renders every enabled component and returns the objects in istioctl's output order
 * (manifest-generate.go objectKindOrdering): CRDs first, then identities and RBAC, webhooks,
 * ConfigMaps, workloads, HPAs, and Services last; ties by group, kind, namespace, name.
 */
export function renderManifest(ctx: RenderContext): RenderedObject[] {
  const c = ctx.install.iop.spec.components ?? {};
  const out: RenderedObject[] = [];
  if (c.base?.enabled) out.push(...renderBase(ctx));
  if (c.pilot?.enabled) out.push(...renderIstiod(ctx));
  if (c.cni?.enabled) out.push(...renderCni(ctx));
  if (c.ztunnel?.enabled) out.push(...renderZtunnel(ctx));
  out.push(...renderGateways(ctx));
  return sortObjects(out);
}

const KIND_PRIORITY: Record<string, number> = {
  CustomResourceDefinition: -1000,
  ServiceAccount: 1,
  ClusterRole: 1,
  ClusterRoleBinding: 2,
  ValidatingWebhookConfiguration: 3,
  ConfigMap: 100,
  HorizontalPodAutoscaler: 1001,
  Service: 10000,
};

const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export function sortObjects(objs: RenderedObject[]): RenderedObject[] {
  const key = (r: RenderedObject) => r.object;
  return [...objs].sort((ra, rb) => {
    const a = key(ra);
    const b = key(rb);
    const pa = KIND_PRIORITY[a.kind] ?? 1000;
    const pb = KIND_PRIORITY[b.kind] ?? 1000;
    if (pa !== pb) return pa - pb;
    for (const [x, y] of [
      [group(a.apiVersion), group(b.apiVersion)],
      [a.kind, b.kind],
      [a.metadata.namespace ?? '', b.metadata.namespace ?? ''],
      [a.metadata.name ?? '', b.metadata.name ?? ''],
    ] as const) {
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}
