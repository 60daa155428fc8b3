import { describe, expect, it } from 'vitest';
import { precheck } from '../../../src/commands/precheck/action.js';
import { KubeError } from '../../../src/kube/types.js';
import { hintOf, kindOf } from '../../../src/util/errors.js';
import { FakeKube } from '../../install/fake-kube.js';
import { capture, deps } from '../install/helpers.js';

describe('istio-ts precheck', () => {
  it('a healthy empty cluster passes with ✔ lines', async () => {
    const c = capture();
    expect(await precheck(c.ctx, { files: [], sets: [] }, deps(new FakeKube()))).toBe(0);
    expect(c.out().split('\n').filter(Boolean)).toEqual([
      '✔ Kubernetes version is at least 1.30: Kubernetes v1.33.2',
      expect.stringMatching(/^✔ You may create and update every kind install writes: \d+ permissions checked$/),
      '✔ No other installer owns the revision being installed: no Istio control plane found',
      '✔ No other sidecar injector serves the revision being installed: no conflicting injector webhooks',
      '✔ No issues found when checking the cluster. Istio is safe to install or upgrade!',
    ]);
  });

  it('an old cluster and missing permissions fail with hints, exit 1', async () => {
    const kube = new FakeKube({ version: { major: '1', minor: '28', gitVersion: 'v1.28.15' }, canI: (q) => ({ allowed: q.resource !== 'customresourcedefinitions', reason: 'RBAC: no rule' }) });
    const c = capture();
    expect(await precheck(c.ctx, { files: [], sets: [] }, deps(kube))).toBe(1);
    expect(c.out()).toMatch(/✘ Kubernetes version is at least 1.30: Kubernetes v1.28.15 is older than 1.30/);
    expect(c.out()).toMatch(/cannot create customresourcedefinitions.apiextensions.k8s.io \(cluster-wide\): RBAC: no rule/);
    expect(c.out()).toMatch(/hint: Ask a cluster admin/);
    expect(c.out()).toMatch(/✘ 2 check\(s\) failed/);
  });

  it('a refused read is a forbidden error with the API server\'s hint, never "run istio-ts precheck" from precheck itself', async () => {
    class Refusing extends FakeKube {
      override async list(): Promise<never> {
        throw new KubeError('nodes is forbidden: User "system:serviceaccount:default:norights" cannot list resource "nodes"', 403, undefined, 'kubectl auth can-i list nodes');
      }
    }
    const c = capture();
    const err = await precheck(c.ctx, { files: [], sets: [] }, deps(new Refusing())).then(() => undefined, (e: unknown) => e);
    expect(kindOf(err)).toBe('forbidden');
    expect(hintOf(err)).toBe('kubectl auth can-i list nodes');
    expect(c.out()).toBe('');
  });

  it('-o json', async () => {
    const c = capture({ output: 'json' });
    await precheck(c.ctx, { files: [], sets: [] }, deps(new FakeKube()));
    const doc = JSON.parse(c.out());
    expect(doc.ok).toBe(true);
    expect(doc.checks.map((x: { id: string }) => x.id)).toEqual(['kubernetes-version', 'permissions', 'existing-istio', 'webhooks']);
  });
});
