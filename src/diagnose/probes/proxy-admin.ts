/**
 * Whether the collector could read each sidecar's Envoy admin API (capture.json notCollected).
 * An admin API that does not answer inside the pod (connection refused, or no answer to /ready)
 * means that Envoy is not running or is hung: a fault of that sidecar, and the reason istiod does
 * not list it. A read that failed for another reason (RBAC, a slow large config dump) is said, so
 * the missing file is not mistaken for a clean one.
 */
import { defineProbe, pathPods, proxyLabel, sidecarContainer, sidecarSegment } from './types.js';

export const proxyAdminProbe = defineProbe({
  name: 'proxy-admin',
  description: 'the Envoy admin API of every sidecar on the path answered the collector',
  reads: ['capture.json'],
  evidence: ['proxy.admin-unreachable', 'proxy.not-collected'],
  run(ctx) {
    const missing = ctx.capture.meta.notCollected ?? [];
    if (missing.length === 0) return;
    for (const p of pathPods(ctx.path)) {
      if (!sidecarContainer(p)) continue;
      const dir = `proxies/${p.namespace}/${p.name}/`;
      const mine = missing.filter((m) => m.file.startsWith(dir));
      const args = { proxy: proxyLabel(p), name: p.name, namespace: p.namespace };
      const unreachable = mine.find((m) => m.reason === 'unreachable');
      if (unreachable) {
        ctx.report('proxy.admin-unreachable', sidecarSegment(p), { ...args, error: unreachable.error }, `capture.json: notCollected ${dir}`);
        continue;
      }
      for (const m of mine) ctx.report('proxy.not-collected', sidecarSegment(p), { ...args, file: m.file, error: m.error }, `capture.json: notCollected ${m.file}`);
    }
  },
});

/** Proxies whose admin API did not answer, as "name.namespace". */
export function unreachableProxies(notCollected: readonly { file: string; reason: string }[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const m of notCollected ?? []) {
    const parts = /^proxies\/([^/]+)\/([^/]+)\//.exec(m.file);
    if (m.reason === 'unreachable' && parts) out.add(`${parts[2]}.${parts[1]}`);
  }
  return out;
}
