import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { assessComponent, daemonSetReadiness, deploymentReadiness, podBlockers, relevantEvents, refOf } from '../../src/install/readiness.js';
import type { ComponentName } from '../../src/install/types.js';
import type { KubeObject } from '../../src/kube/types.js';
import { renderOutcome } from '../../src/output/install.js';

const dir = path.resolve(import.meta.dirname, '../../fixtures/install/blockers');
const NOW = Date.parse('2026-01-01T00:05:00Z');
const load = (f: string) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject);

describe('blocker report goldens (fixtures/install/blockers)', () => {
  const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(5));
  it.each(cases)('%s', (file) => {
    const objs = load(file);
    const targets = objs.filter((o) => ['Deployment', 'DaemonSet', 'CustomResourceDefinition'].includes(o.kind ?? ''));
    const r = assessComponent({
      targets: targets.map((t) => ({ ref: refOf(t), object: t })),
      pods: objs.filter((o) => o.kind === 'Pod'),
      events: objs.filter((o) => o.kind === 'Event'),
      nowMs: NOW,
    });
    expect(r.ready).toBe(false);
    const component = (targets.find((t) => t.metadata?.labels?.['operator.istio.io/component'])?.metadata?.labels?.['operator.istio.io/component'] ?? 'Base') as ComponentName;
    const text = renderOutcome({ component, status: 'timeout', applied: 0, objects: targets.length, elapsedMs: 300_000, readiness: r }, 300_000, false);
    const golden = path.join(dir, file.replace(/\.yaml$/, '.golden.txt'));
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
      if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing golden ${golden}; run with UPDATE_GOLDEN=1`);
      writeFileSync(golden, text);
    }
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});

const dep = (status: Record<string, unknown>, replicas = 1, generation = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istiod', namespace: 'istio-system', generation } as KubeObject['metadata'],
  spec: { replicas },
  status,
});

describe('deploymentReadiness (kubectl rollout status rules)', () => {
  const table: [string, KubeObject, boolean, string][] = [
    ['all available', dep({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 2), true, '2/2 replicas available'],
    ['new spec not observed', dep({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 1, 2), false, 'waiting for the new spec to be observed'],
    ['rollout half way', dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 }, 2, 2), false, '1/2 replicas updated'],
    ['old replica still there', dep({ observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 1 }), false, '1 old replicas pending termination'],
    ['updated but unavailable', dep({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 0 }), false, '0/1 replicas available'],
    ['scaled to zero', dep({ observedGeneration: 1 }, 0), true, '0/0 replicas available'],
    ['no status yet', dep({}), false, 'waiting for the new spec to be observed'],
  ];
  it.each(table)('%s', (_n, d, ready, detail) => {
    const r = deploymentReadiness(d);
    expect([r.ready, r.detail]).toEqual([ready, detail]);
  });

  it('surfaces ProgressDeadlineExceeded', () => {
    const r = deploymentReadiness(dep({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "istiod-1" has timed out progressing.' }] }));
    expect(r.problems).toEqual(['ProgressDeadlineExceeded: ReplicaSet "istiod-1" has timed out progressing.']);
  });
});

describe('daemonSetReadiness', () => {
  const ds = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ztunnel', namespace: 'istio-system' }, status });
  it.each([
    ['ready on every node', ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }), true],
    ['one node left', ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }), false],
    ['updating', ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 1, numberAvailable: 3 }), false],
  ] as const)('%s', (_n, d, ready) => expect(daemonSetReadiness(d).ready).toBe(ready));
});

describe('podBlockers', () => {
  const pod = (status: Record<string, unknown>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', ...extra }, status });
  it('skips ready and terminating pods', () => {
    expect(podBlockers([pod({ conditions: [{ type: 'Ready', status: 'True' }] }), pod({ phase: 'Pending' }, { deletionTimestamp: '2026-01-01T00:00:00Z' })])).toEqual([]);
  });
  it('a running container failing its readiness probe', () => {
    expect(podBlockers([pod({ phase: 'Running', containerStatuses: [{ name: 'istio-proxy', ready: false, started: true, state: { running: {} } }] })])).toEqual([
      { namespace: 'n', pod: 'p', container: 'istio-proxy', reason: 'NotReady', message: 'readiness probe not passing' },
    ]);
  });
  it('a pod with no statuses yet says its phase', () => {
    expect(podBlockers([pod({ phase: 'Pending' })])).toEqual([{ namespace: 'n', pod: 'p', reason: 'Pending' }]);
  });
});

describe('relevantEvents', () => {
  const ev = (name: string, type: string, t: string): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: `${name}.x`, namespace: 'ns' }, involvedObject: { kind: 'Pod', name, namespace: 'ns' }, type, reason: 'R', message: 'm', lastTimestamp: t });
  it('keeps events of the workload and its children, warnings first, newest first', () => {
    const out = relevantEvents(
      [ev('web-abc-1', 'Normal', '2026-01-01T00:04:00Z'), ev('web-abc-2', 'Warning', '2026-01-01T00:01:00Z'), ev('web', 'Warning', '2026-01-01T00:03:00Z'), ev('webhook-x', 'Warning', '2026-01-01T00:04:59Z'), ev('other', 'Warning', '2026-01-01T00:04:00Z')],
      [{ namespace: 'ns', name: 'web' }],
      NOW,
    );
    expect(out.map((e) => [e.object, e.type, e.ageSeconds])).toEqual([
      ['Pod/web', 'Warning', 120],
      ['Pod/web-abc-2', 'Warning', 240],
      ['Pod/web-abc-1', 'Normal', 60],
    ]);
  });
  it('drops events last seen before the wait began (earlier attempts)', () => {
    const out = relevantEvents([ev('web-old-1', 'Warning', '2026-01-01T00:00:10Z'), ev('web-new-1', 'Warning', '2026-01-01T00:04:10Z')], [{ namespace: 'ns', name: 'web' }], NOW, 8, Date.parse('2026-01-01T00:04:00Z'));
    expect(out.map((e) => e.object)).toEqual(['Pod/web-new-1']);
  });
});
