/**
 * istiod's view of each proxy on the path, from /debug/syncz: per xDS type, ERROR when the last
 * push was NACKed (lastError set), STALE when the sent nonce is not acked, SYNCED when it is
 * (istiod pilot/pkg/xds/statusgen.go debugSyncStatus). STALE is also the normal state during a
 * push, so it only weighs as a symptom; a NACK decides.
 */
import { unreachableProxies } from './proxy-admin.js';
import { defineProbe, pathPods, sidecarContainer } from './types.js';

export const syncProbe = defineProbe({
  name: 'sync',
  description: 'istiod has delivered the latest config to every proxy on the path and none rejected it',
  reads: ['istiod/syncz.json'],
  evidence: ['sync.synced', 'sync.nack', 'sync.stale', 'sync.not-connected', 'sync.not-connected-proxy-down', 'sync.no-syncz'],
  run(ctx) {
    const syncz = ctx.capture.syncz;
    if (!syncz) {
      ctx.report('sync.no-syncz', 'control-plane', {}, 'istiod/syncz.json');
      return;
    }
    const down = unreachableProxies(ctx.capture.meta.notCollected);
    for (const p of pathPods(ctx.path)) {
      if (!sidecarContainer(p)) continue;
      const proxy = `${p.name}.${p.namespace}`;
      const args = { proxy, name: p.name, namespace: p.namespace };
      const e = syncz.find((s) => s.proxy === proxy);
      const source = `istiod/syncz.json: proxy ${proxy}`;
      if (!e) {
        // A sidecar whose own admin API is down is not connected because it is down: a note
        // here, the fault is on that sidecar (proxy-admin probe).
        if (down.has(proxy)) ctx.report('sync.not-connected-proxy-down', 'control-plane', args, 'istiod/syncz.json');
        else ctx.report('sync.not-connected', 'control-plane', args, 'istiod/syncz.json');
        continue;
      }
      const types = Object.entries(e.types);
      const nacked = types.filter(([, s]) => s.lastError !== '');
      for (const [type, s] of nacked) ctx.report('sync.nack', 'control-plane', { ...args, type, error: s.lastError.split('\n')[0]! }, `${source}, ${type} lastError`);
      const stale = types.filter(([, s]) => s.sent !== '' && s.sent !== s.acked && s.lastError === '').map(([t]) => t);
      if (stale.length) ctx.report('sync.stale', 'control-plane', { ...args, types: stale.join(',') }, `${source}, sent vs acked nonces`);
      const synced = types.filter(([, s]) => s.sent !== '' && s.sent === s.acked).map(([t]) => t);
      if (nacked.length === 0 && stale.length === 0 && synced.length > 0) ctx.report('sync.synced', 'control-plane', { ...args, types: synced.join(',') }, `${source}, sent = acked nonces`);
    }
  },
});
