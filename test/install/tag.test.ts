// Pure parts of src/install/tag.ts that install relies on (the command's own tests are in
// test/commands/tag/).
import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, REVISION_LABEL, stampOwnership } from '../../src/install/apply/ownership.js';
import { planInstall } from '../../src/install/plan.js';
import { analyzeTagWebhook, checkTag, tagObjects, TagError } from '../../src/install/tag.js';
import type { KubeObject } from '../../src/kube/types.js';
import { FakeKube } from './fake-kube.js';

type Obj = Record<string, any>;

/** The canary injector webhook as `istio-ts install -r canary` leaves it: with istio-ts's ownership labels. */
const installed = (): KubeObject => {
  const [r] = stampOwnership(
    [
      {
        component: 'Pilot',
        object: {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'MutatingWebhookConfiguration',
          metadata: { name: 'istio-sidecar-injector-canary', labels: { app: 'sidecar-injector', 'istio.io/rev': 'canary', 'operator.istio.io/component': 'Pilot' } },
          webhooks: [{ name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: { url: 'https://localhost:15517/inject' } }],
        },
      },
    ],
    'canary',
  );
  return r!.object as KubeObject;
};

describe('tag objects of an istio-ts-installed revision', () => {
  it('do not carry the revision’s install ownership labels (a re-install must not prune the tag)', () => {
    const canonical = installed();
    expect(canonical.metadata!.labels![MANAGED_BY_LABEL]).toBe('istio-ts');
    for (const tag of ['prod', 'default']) {
      for (const o of tagObjects({ tag, revision: 'canary', istioNamespace: 'istio-system' }, { canonical }) as Obj[]) {
        expect(Object.keys(o.metadata.labels).filter((k) => k.startsWith('install.istio-ts.dev/')), `${o.kind}/${o.metadata.name}`).toEqual([]);
        expect(o.metadata.labels).toMatchObject({ 'istio.io/rev': 'canary', 'istio.io/tag': tag });
      }
    }
  });
});

describe('planInstall and revision tags', () => {
  it('never prunes a tag webhook that still carries the revision’s ownership labels (tags made before the fix)', () => {
    const old = { ...installed(), metadata: { name: 'istio-revision-tag-prod', labels: { ...installed().metadata!.labels!, 'istio.io/tag': 'prod' } } } as KubeObject;
    const leftover = { ...installed(), metadata: { name: 'istio-sidecar-injector-old', labels: { ...installed().metadata!.labels!, [REVISION_LABEL]: 'canary' } } } as KubeObject;
    const p = planInstall({ desired: [], observed: new Map(), owned: [old, leftover], missingNamespaces: [] });
    expect(p.prune.map((t) => t.name)).toEqual(['istio-sidecar-injector-old']);
  });
});

// ---------------------------------------------------------------- webhook conflicts (istioctl analyzeWebhook)

const NOT_DISABLED = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
const ex = (...e: Obj[]) => ({ matchExpressions: e });
const MWC = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration' };

/** An injector webhook as the istio-discovery chart renders it: rev.* hooks, plus the istio-injection ones for the default revision. */
function injector(rev: string, clientConfig: Obj): KubeObject {
  const hook = (prefix: string, namespaceSelector: Obj, objectSelector: Obj) => ({ name: `${prefix}sidecar-injector.istio.io`, clientConfig, namespaceSelector, objectSelector, sideEffects: 'None', admissionReviewVersions: ['v1'] });
  const hooks = [
    hook('rev.namespace.', ex({ key: 'istio.io/rev', operator: 'In', values: [rev] }, { key: 'istio-injection', operator: 'DoesNotExist' }), ex(NOT_DISABLED)),
    hook('rev.object.', ex({ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }), ex(NOT_DISABLED, { key: 'istio.io/rev', operator: 'In', values: [rev] })),
  ];
  if (rev === 'default') {
    hooks.push(
      hook('namespace.', ex({ key: 'istio-injection', operator: 'In', values: ['enabled'] }), ex(NOT_DISABLED)),
      hook('object.', ex({ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }), ex({ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, { key: 'istio.io/rev', operator: 'DoesNotExist' })),
    );
  }
  return { ...MWC, metadata: { name: rev === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${rev}`, labels: { app: 'sidecar-injector', 'istio.io/rev': rev } }, webhooks: hooks } as KubeObject;
}
const svc = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'istio-system', labels: { app: 'istiod' } } });
const url = (port: number) => ({ url: `https://localhost:${port}/inject`, caBundle: 'Q0E=' });
const service = (name: string) => ({ service: { name, namespace: 'istio-system', path: '/inject', port: 443 }, caBundle: 'Q0E=' });
const set = (tag: string, revision: string, extra: Obj = {}) => ({ tag, revision, istioNamespace: 'istio-system', overwrite: false, generate: false, ...extra });

/** Objects of `tag generate <tag> -r <rev>` applied under another webhook name (GitOps copy, or an earlier --webhook-name). */
function copyOfTag(kube: FakeKube, tag: string, rev: string, name: string): KubeObject {
  const [mwc] = tagObjects({ tag, revision: rev, istioNamespace: 'istio-system', webhookName: name }, { canonical: [...kube.store.values()].find((o) => o.metadata?.name === (rev === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${rev}`))! });
  return mwc!;
}

describe('tag set: webhook conflict analysis', () => {
  const cluster = () => new FakeKube().put(injector('default', url(15017)), injector('canary', url(15517)));

  it('a tag whose webhook nothing else matches is set', async () => {
    await expect(checkTag(cluster(), set('prod', 'canary'))).resolves.toBeDefined();
  });

  it('refuses a tag another webhook already injects for (IST0139 names it); -y and generate go ahead', async () => {
    const kube = cluster();
    kube.put(copyOfTag(kube, 'prod', 'default', 'gitops-prod-injector'));
    // The copy carries istio.io/tag=prod: without --overwrite, the existing-tag check comes first.
    await expect(checkTag(kube, set('prod', 'canary'))).rejects.toThrow('revision tag "prod" already exists, and --overwrite is false');
    const err = await checkTag(kube, set('prod', 'canary', { overwrite: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TagError);
    expect((err as TagError).kind).toBe('failed');
    expect((err as Error).message).toContain('creating revision tag "prod" would conflict with the injector webhooks in the cluster:');
    expect((err as Error).message).toContain(
      'Error [IST0139] (MutatingWebhookConfiguration istio-revision-tag-prod) Webhook overlaps with others: [gitops-prod-injector/rev.namespace.sidecar-injector.istio.io]. This may cause injection to occur twice.',
    );
    expect((err as TagError).hint).toContain('--skip-confirmation');
    await expect(checkTag(kube, set('prod', 'canary', { overwrite: true, skipConfirmation: true }))).resolves.toBeDefined();
    await expect(checkTag(kube, set('prod', 'canary', { overwrite: true, generate: true }))).resolves.toBeDefined();
  });

  it('--overwrite of the same tag webhook replaces it: no conflict with its old self', async () => {
    const kube = cluster();
    kube.put(copyOfTag(kube, 'prod', 'default', 'istio-revision-tag-prod'));
    await expect(checkTag(kube, set('prod', 'canary', { overwrite: true }))).resolves.toBeDefined();
  });

  it('tag default: the untagged default webhook is analyzed switched off (as set leaves it), but not for generate', async () => {
    const kube = cluster();
    const [mwc] = tagObjects({ tag: 'default', revision: 'canary', istioNamespace: 'istio-system' }, { canonical: injector('canary', url(15517)) });
    expect(await analyzeTagWebhook(kube, { tag: 'default', revision: 'canary', istioNamespace: 'istio-system' }, mwc!)).toEqual([]);
    const gen = await analyzeTagWebhook(kube, { tag: 'default', revision: 'canary', istioNamespace: 'istio-system', generate: true }, mwc!);
    expect(gen.join('\n')).toContain('Webhook overlaps with others: [istio-sidecar-injector/namespace.sidecar-injector.istio.io]');
  });

  it('a tag calling an istiod Service that does not exist is a conflict; with the Service it is not', async () => {
    const kube = new FakeKube().put(injector('canary', service('istiod-canary')));
    await expect(checkTag(kube, set('prod', 'canary'))).rejects.toThrow('Injector refers to a control plane service that does not exist: istio-system/istiod-canary.');
    kube.put(svc('istiod-canary'));
    await expect(checkTag(kube, set('prod', 'canary'))).resolves.toBeDefined();
  });
});
