import { describe, expect, it } from 'vitest';
import { collectLive } from '../../src/analysis/live.js';
import { KubeError, type KubeClient, type KubeObject } from '../../src/kube/types.js';

/** A fake API server that serves only the given apiVersions; everything else is 404. */
function fakeKube(served: Record<string, KubeObject[]>, forbidden: string[] = []): KubeClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    defaultNamespace: 'default',
    async list(apiVersion, kind) {
      calls.push(`${apiVersion}/${kind}`);
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

  it('reports kinds it may not list, instead of analyzing without them', async () => {
    const r = await collectLive(fakeKube({ 'v1/Pod': [] }, ['Secret']), ['Pod', 'Secret'], { istioNamespace: 'istio-system' });
    expect(r.unavailable).toEqual([{ kind: 'Secret', reason: 'list Secret: forbidden' }]);
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
