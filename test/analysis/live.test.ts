import { describe, expect, it } from 'vitest';
import { collectLive } from '../../src/analysis/live.js';
import { KubeError, type KubeClient, type KubeObject } from '../../src/kube/types.js';

/** A fake API server that serves only the given apiVersions; everything else is 404. */
function fakeKube(served: Record<string, KubeObject[]>, forbidden: string[] = []): KubeClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    defaultNamespace: 'default',
    async list(apiVersion, kind, ns) {
      calls.push(`${apiVersion}/${kind}${ns ? ` in ${ns}` : ''}`);
      if (forbidden.includes(kind)) throw new KubeError(`list ${kind}: forbidden`, 403);
      const items = served[`${apiVersion}/${kind}`];
      if (!items) throw new KubeError(`the server could not find the requested resource`, 404);
      return items;
    },
    async get(apiVersion, kind, ns, name) {
      if (kind === 'ConfigMap' && name === 'istio') return { data: { mesh: 'ingressControllerMode: OFF\n' } } as unknown as KubeObject;
      throw new KubeError('not found', 404);
    },
    async portForward() {
      throw new Error('unused');
    },
    async logs() {
      return '';
    },
  };
}

describe('collectLive', () => {
  it('falls back to older API versions, as an Istio 1.16 control plane serves them', async () => {
    const kube = fakeKube({
      'networking.istio.io/v1beta1/VirtualService': [{ metadata: { name: 'reviews', namespace: 'bookinfo' }, spec: { hosts: ['reviews'] } }],
      'v1/Pod': [],
    });
    const r = await collectLive(kube, ['VirtualService', 'Pod', 'MeshConfig'], { istioNamespace: 'istio-system' });
    expect(kube.calls).toEqual(expect.arrayContaining(['networking.istio.io/v1/VirtualService', 'networking.istio.io/v1beta1/VirtualService']));
    expect(r.objects.map((o) => `${o.object.apiVersion} ${o.object.kind} ${o.object.metadata.name}`)).toEqual(['networking.istio.io/v1beta1 VirtualService reviews']);
    expect([...r.available].sort()).toEqual(['Pod', 'VirtualService']);
    expect(r.meshConfigText).toContain('ingressControllerMode');
  });

  it('treats a kind whose CRD is not installed as present and empty', async () => {
    const r = await collectLive(fakeKube({}), ['HTTPRoute'], { istioNamespace: 'istio-system' });
    expect(r.available.has('HTTPRoute')).toBe(true);
    expect(r.objects).toEqual([]);
  });

  it('lists namespaced kinds only in the namespaces asked for, cluster-scoped kinds cluster-wide', async () => {
    const kube = fakeKube({ 'v1/Pod': [], 'v1/Namespace': [] });
    const r = await collectLive(kube, ['Pod', 'Namespace'], { istioNamespace: 'istio-system', namespaces: ['bookinfo', 'istio-system'] });
    expect(kube.calls.sort()).toEqual(['v1/Namespace', 'v1/Pod in bookinfo', 'v1/Pod in istio-system']);
    expect(r.namespaces).toEqual(['bookinfo', 'istio-system']);
    expect([...r.available].sort()).toEqual(['Namespace', 'Pod']);
  });

  it('a kind refused in one of its namespaces is not available (half a list is not "none exist")', async () => {
    const kube = fakeKube({ 'v1/Pod': [] });
    kube.list = async (apiVersion, kind, ns) => {
      if (ns === 'istio-system') throw new KubeError(`list ${kind} in ${ns}: forbidden`, 403);
      return [];
    };
    const r = await collectLive(kube, ['Pod'], { istioNamespace: 'istio-system', namespaces: ['bookinfo', 'istio-system'] });
    expect(r.available.has('Pod')).toBe(false);
    expect(r.unavailable).toEqual([{ kind: 'Pod', reason: 'list Pod in istio-system: forbidden', errorKind: 'forbidden' }]);
  });

  it('an expired token (401) stops the collection with that cause: every other read would fail alike', async () => {
    const kube = fakeKube({});
    kube.list = async (_v, kind) => {
      throw new KubeError(`list ${kind}: Unauthorized`, 401);
    };
    await expect(collectLive(kube, ['Pod', 'VirtualService'], { istioNamespace: 'istio-system' })).rejects.toMatchObject({ kind: 'unauthorized', message: expect.stringMatching(/Unauthorized/) });
  });

  it('a refused read of the mesh ConfigMap is recorded, not taken for "no ConfigMap"', async () => {
    const kube = fakeKube({ 'v1/Pod': [] });
    kube.get = async () => {
      throw new KubeError('get ConfigMap istio-system/istio: forbidden', 403);
    };
    const r = await collectLive(kube, ['Pod'], { istioNamespace: 'istio-system' });
    expect(r.unavailable).toEqual([{ kind: 'MeshConfig', reason: 'ConfigMap istio-system/istio: get ConfigMap istio-system/istio: forbidden', errorKind: 'forbidden' }]);
  });

  it('stops when the API server does not answer (timed out), instead of analyzing nothing', async () => {
    const kube = fakeKube({});
    kube.list = async (_v, kind) => {
      throw new KubeError(`timed out after 1 s: list ${kind}`, undefined, 'timeout');
    };
    await expect(collectLive(kube, ['Pod'], { istioNamespace: 'istio-system' })).rejects.toThrow(/timed out after 1 s: list Pod/);
  });

  it('reports kinds it may not list, instead of analyzing without them', async () => {
    const r = await collectLive(fakeKube({ 'v1/Pod': [] }, ['Secret']), ['Pod', 'Secret'], { istioNamespace: 'istio-system' });
    expect(r.unavailable).toEqual([{ kind: 'Secret', reason: 'list Secret: forbidden', errorKind: 'forbidden' }]);
    expect(r.available.has('Secret')).toBe(false);
  });

  it("keeps only Istio's ConfigMaps and leaves out Helm releases and token Secrets", async () => {
    const r = await collectLive(
      fakeKube({
        'v1/ConfigMap': [{ metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' } }, { metadata: { name: 'app-config', namespace: 'shop' } }],
        'v1/Secret': [
          { metadata: { name: 'cert', namespace: 'istio-system' }, type: 'kubernetes.io/tls' } as KubeObject,
          { metadata: { name: 'sh.helm.release.v1.istiod.v1', namespace: 'istio-system' }, type: 'helm.sh/release.v1' } as KubeObject,
          { metadata: { name: 'tok', namespace: 'x' }, type: 'kubernetes.io/service-account-token' } as KubeObject,
        ],
      }),
      ['ConfigMap', 'Secret'],
      { istioNamespace: 'istio-system' },
    );
    expect(r.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`)).toEqual(['ConfigMap/istio-sidecar-injector', 'Secret/cert']);
  });
});
