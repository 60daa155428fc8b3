import { describe, expect, it } from 'vitest';
import { loadCrdData } from '../../src/install/generate.js';
import { injectorConfigMapData } from '../../src/inject/configmap.js';
import { MANAGED_BY_LABEL, REVISION_LABEL, stampOwnership } from '../../src/install/apply/ownership.js';
import { executePlan, observeAndPlan, type InstallObserver } from '../../src/install/apply/run.js';
import { resolveInstall } from '../../src/install/operator.js';
import { planHasChanges } from '../../src/install/plan.js';
import { renderManifest } from '../../src/install/render/index.js';
import { parseSetFlag, type SetFlag } from '../../src/install/set-path.js';
import type { RenderedObject } from '../../src/install/types.js';
import type { KubeObject } from '../../src/kube/types.js';
import { FakeKube, fakeClock, instantControllers } from './fake-kube.js';

const crds = loadCrdData();
function desired(sets: string[], revision = ''): RenderedObject[] {
  const install = resolveInstall({ files: [], sets: sets.map((s) => parseSetFlag(s) as SetFlag), ...(revision ? { revision } : {}) });
  return stampOwnership(renderManifest({ install, ...(crds ? { crds } : {}), injector: injectorConfigMapData }), install.revision);
}

const silent: InstallObserver = { componentStart() {}, componentWaiting() {}, componentDone() {}, pruned() {} };
const opts = (clock = fakeClock()) => ({ timeoutMs: 300_000, intervalMs: 2000, clock, observer: silent });

describe('install against a fake cluster', () => {
  it('creates the namespace, applies CRDs before everything else, and every component becomes ready', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    const want = desired([]);
    const plan = await observeAndPlan(kube, want, '');
    expect(plan.createNamespaces).toEqual(['istio-system']);
    expect(plan.objects.every((o) => o.action === 'create')).toBe(true);
    const r = await executePlan(kube, plan, opts());
    expect(r.ok).toBe(true);
    expect(r.components.map((c) => [c.component, c.status])).toEqual([
      ['Base', 'ready'],
      ['Pilot', 'ready'],
      ['IngressGateways', 'ready'],
    ]);
    const applies = kube.log.filter((l) => l.startsWith('apply '));
    const lastCrd = applies.map((l) => l.includes('CustomResourceDefinition')).lastIndexOf(true);
    const firstOther = applies.findIndex((l) => !l.includes('CustomResourceDefinition') && !l.includes('Namespace/'));
    if (crds) expect(lastCrd).toBeLessThan(firstOther);
    expect(applies.findIndex((l) => l.includes('Deployment/istio-system/istiod'))).toBeLessThan(applies.findIndex((l) => l.includes('Deployment/istio-system/istio-ingressgateway')));
    const stored = [...kube.store.values()].filter((o) => o.kind !== 'Namespace');
    expect(stored).toHaveLength(want.length);
    expect(stored.every((o) => o.metadata?.labels?.[MANAGED_BY_LABEL] === 'istio-ts' && o.metadata.labels[REVISION_LABEL] === 'default')).toBe(true);
  });

  it('a second install with the same input plans no changes and writes nothing', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    const want = desired(['profile=demo']);
    await executePlan(kube, await observeAndPlan(kube, want, ''), opts());
    const before = kube.log.length;
    const again = await observeAndPlan(kube, want, '');
    expect(planHasChanges(again)).toBe(false);
    const r = await executePlan(kube, again, opts());
    expect(r.ok).toBe(true);
    expect(kube.log.slice(before).filter((l) => l.startsWith('apply') || l.startsWith('delete'))).toEqual([]);
  });

  it('a changed value is one update naming the changed field', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    await executePlan(kube, await observeAndPlan(kube, desired([]), ''), opts());
    const plan = await observeAndPlan(kube, desired(['values.pilot.env.PILOT_TRACE_SAMPLING=5']), '');
    const updates = plan.objects.filter((o) => o.action === 'update');
    // The Deployment's env, and the injector's values ConfigMap that mirrors the chart values.
    expect(updates.map((u) => `${u.object.kind}/${u.object.metadata.name}`).sort()).toEqual(['ConfigMap/values', 'Deployment/istiod']);
    expect(updates.every((u) => u.component === 'Pilot')).toBe(true);
    expect(updates.find((u) => u.object.kind === 'Deployment')!.changes.join(' ')).toMatch(/spec\.template\.spec\.containers\[0\]\.env/);
  });

  it('prunes what the previous install of the revision rendered and this one does not, only after success', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    await executePlan(kube, await observeAndPlan(kube, desired(['profile=demo']), ''), opts());
    expect(kube.store.has('apps/Deployment/istio-system/istio-egressgateway')).toBe(true);
    const plan = await observeAndPlan(kube, desired([]), '');
    const pruned = plan.prune.map((p) => `${p.kind}/${p.name}`);
    expect(pruned).toContain('Deployment/istio-egressgateway');
    expect(pruned).toContain('Service/istio-egressgateway');
    expect(pruned.some((p) => p.startsWith('CustomResourceDefinition/'))).toBe(false);
    const r = await executePlan(kube, plan, opts());
    expect(r.ok).toBe(true);
    expect(kube.store.has('apps/Deployment/istio-system/istio-egressgateway')).toBe(false);
    // Webhooks go first when deleting; here none are pruned, so Deployments precede Services.
    const deletes = kube.log.filter((l) => l.startsWith('delete '));
    expect(deletes.indexOf('delete Deployment/istio-system/istio-egressgateway')).toBeLessThan(deletes.indexOf('delete Service/istio-system/istio-egressgateway'));
  });

  it('does not prune another revision', async () => {
    const kube = new FakeKube({ onApply: instantControllers });
    await executePlan(kube, await observeAndPlan(kube, desired([], 'canary'), 'canary'), opts());
    const plan = await observeAndPlan(kube, desired(['components.ingressGateways[name:istio-ingressgateway].enabled=false']), '');
    expect(plan.prune).toEqual([]);
  });

  it('a Deployment that never becomes ready times out with its pod, container and reason; dependents are skipped, nothing is pruned', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T00:00:00Z'));
    const kube = new FakeKube({
      onApply: (o, k) => {
        if (o.kind === 'Deployment' && o.metadata?.name === 'istiod') {
          (o.metadata as Record<string, unknown>).generation = 1;
          o.status = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 0 };
          k.put(
            {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'istiod-5d8f7c-abcde', namespace: 'istio-system', labels: { app: 'istiod', istio: 'pilot' } },
              status: {
                phase: 'Pending',
                conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }],
                containerStatuses: [{ name: 'discovery', ready: false, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "docker.io/istio/pilot:1.28.0"' } } }],
              },
            },
            {
              apiVersion: 'v1',
              kind: 'Event',
              metadata: { name: 'e1', namespace: 'istio-system' },
              involvedObject: { kind: 'Pod', name: 'istiod-5d8f7c-abcde', namespace: 'istio-system' },
              type: 'Warning',
              reason: 'Failed',
              message: 'Failed to pull image "docker.io/istio/pilot:1.28.0": not found',
              count: 4,
              lastTimestamp: '2026-01-01T00:04:30Z',
            },
          );
        } else instantControllers(o);
      },
    });
    const kubeWithLeftover = kube.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'istio-system', labels: { [MANAGED_BY_LABEL]: 'istio-ts', [REVISION_LABEL]: 'default' } } } as KubeObject);
    const plan = await observeAndPlan(kubeWithLeftover, desired([]), '');
    const r = await executePlan(kube, plan, { ...opts(clock), timeoutMs: 60_000 });
    expect(r.ok).toBe(false);
    const pilot = r.components.find((c) => c.component === 'Pilot')!;
    expect(pilot.status).toBe('timeout');
    expect(pilot.readiness!.blockers).toEqual([
      { namespace: 'istio-system', pod: 'istiod-5d8f7c-abcde', container: 'discovery', reason: 'ImagePullBackOff', message: 'Back-off pulling image "docker.io/istio/pilot:1.28.0"' },
    ]);
    expect(pilot.readiness!.events.map((e) => e.reason)).toEqual(['Failed']);
    expect(r.components.find((c) => c.component === 'IngressGateways')!.status).toBe('skipped');
    expect(r.pruned).toEqual([]);
    expect(kube.store.has('/ConfigMap/istio-system/old')).toBe(true);
    expect(clock.now() - Date.parse('2026-01-01T00:00:00Z')).toBeGreaterThanOrEqual(60_000);
  });

  it('an apply refused by the server fails the component and names the object', async () => {
    const kube = new FakeKube({ onApply: instantControllers, refuse: { 'apps/Deployment/istio-system/istio-ingressgateway': 'admission webhook "x" denied the request' } });
    const plan = await observeAndPlan(kube, desired([]), '');
    // Namespace missing: no dry run happened for namespaced objects, so the refusal shows at apply.
    const r = await executePlan(kube, plan, opts());
    const gw = r.components.find((c) => c.component === 'IngressGateways')!;
    expect(gw.status).toBe('failed');
    expect(gw.error).toMatch(/Deployment.istio-system\/istio-ingressgateway: admission webhook "x" denied/);
  });
});
