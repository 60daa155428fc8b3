import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { tagGenerate, tagList, tagRemove, tagSet } from '../../../src/commands/tag/action.js';
import { NEVER_MATCH, tagObjects } from '../../../src/install/tag.js';
import type { KubeObject } from '../../../src/kube/types.js';
import { runCli } from '../../helpers/cli.js';
import { FakeKube } from '../../install/fake-kube.js';
import { capture } from '../proxy-status/fake-mesh.js';

type Obj = Record<string, any>;

const hook = (name: string, clientConfig: Obj): Obj => ({ name, clientConfig, admissionReviewVersions: ['v1'], sideEffects: 'None', reinvocationPolicy: 'Never' });

const NOT_DISABLED = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
/** The istio-discovery chart's selectors per webhook prefix (tag set analyzes them for overlaps). */
function chartSelectors(prefix: string, rev: string): Obj {
  const ex = (...e: Obj[]) => ({ matchExpressions: e });
  if (prefix === 'rev.namespace.') return { namespaceSelector: ex({ key: 'istio.io/rev', operator: 'In', values: [rev] }, { key: 'istio-injection', operator: 'DoesNotExist' }), objectSelector: ex(NOT_DISABLED) };
  if (prefix === 'rev.object.') return { namespaceSelector: ex({ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }), objectSelector: ex(NOT_DISABLED, { key: 'istio.io/rev', operator: 'In', values: [rev] }) };
  if (prefix === 'namespace.') return { namespaceSelector: ex({ key: 'istio-injection', operator: 'In', values: ['enabled'] }), objectSelector: ex(NOT_DISABLED) };
  return { namespaceSelector: ex({ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }), objectSelector: ex({ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, { key: 'istio.io/rev', operator: 'DoesNotExist' }) };
}

/** The injector webhook of a revision, as the istio-discovery chart renders it (service or URL). */
function injector(rev: string, opts: { url?: string; helm?: boolean } = {}): KubeObject {
  const cc = opts.url ? { url: opts.url, caBundle: 'Q0E=' } : { service: { name: rev === 'default' ? 'istiod' : `istiod-${rev}`, namespace: 'istio-system', path: '/inject', port: 443 }, caBundle: 'Q0E=' };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: rev === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${rev}`,
      labels: { app: 'sidecar-injector', 'istio.io/rev': rev, 'operator.istio.io/component': 'Pilot', 'app.kubernetes.io/version': '1.20.2', release: opts.helm ? `istiod-${rev}` : 'istio' },
      ...(opts.helm ? { annotations: { 'meta.helm.sh/release-name': `istiod-${rev}`, 'meta.helm.sh/release-namespace': 'istio-system' } } : {}),
    },
    // A revisioned istiod's chart renders only the rev.* webhooks; istio-injection=enabled is the default revision's.
    webhooks: (rev === 'default' ? ['rev.namespace.', 'rev.object.', 'namespace.', 'object.'] : ['rev.namespace.', 'rev.object.']).map((p) => ({ ...hook(`${p}sidecar-injector.istio.io`, cc), ...chartSelectors(p, rev) })),
  };
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const istiodSvc = (rev: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: rev === 'default' ? 'istiod' : `istiod-${rev}`, namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': rev } } });

function cluster(): FakeKube {
  return new FakeKube().put(ns('istio-system'), injector('default'), istiodSvc('default'), injector('1-20-2', { helm: true }), istiodSvc('1-20-2'));
}

const opts = (tag: string, revision: string, extra: Obj = {}) => ({ tag, revision, istioNamespace: 'istio-system', overwrite: false, ...extra });

describe('tag objects (revision-tags-mwc.yaml / revision-tags-svc.yaml as istioctl renders them)', () => {
  it('copy the revision webhook endpoint, labels (but app and the operator ones) and annotations', () => {
    const [mwc, svc] = tagObjects(opts('prod', '1-20-2'), { canonical: injector('1-20-2', { helm: true }) }) as Obj[];
    expect(mwc.metadata.name).toBe('istio-revision-tag-prod');
    expect(mwc.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod', 'istio.io/rev': '1-20-2', app: 'sidecar-injector', release: 'istiod-1-20-2', 'app.kubernetes.io/version': '1.20.2' });
    expect(Object.keys(mwc.metadata.labels).filter((k) => k.includes('operator.istio.io'))).toEqual([]);
    expect(mwc.metadata.annotations).toEqual({ 'meta.helm.sh/release-name': 'istiod-1-20-2', 'meta.helm.sh/release-namespace': 'istio-system' });
    expect(mwc.webhooks.map((w: Obj) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    expect(mwc.webhooks[0].clientConfig).toEqual({ caBundle: 'Q0E=', service: { name: 'istiod-1-20-2', namespace: 'istio-system', path: '/inject', port: 443 } });
    expect(mwc.webhooks[0].namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio.io/rev', operator: 'In', values: ['prod'] });
    expect(svc).toMatchObject({ kind: 'Service', metadata: { name: 'istiod-revision-tag-prod', namespace: 'istio-system' }, spec: { selector: { app: 'istiod', 'istio.io/rev': '1-20-2' } } });
  });

  it('the default tag also takes istio-injection=enabled and the default validator (URL webhooks: /validate)', () => {
    const objs = tagObjects(opts('default', 'canary', { autoInjectNamespaces: true }), { canonical: injector('canary', { url: 'https://localhost:15017/inject' }) }) as Obj[];
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['MutatingWebhookConfiguration/istio-revision-tag-default', 'ValidatingWebhookConfiguration/istiod-default-validator', 'Service/istiod-revision-tag-default']);
    expect(objs[0]!.webhooks.map((w: Obj) => w.name.split('.')[0])).toEqual(['rev', 'rev', 'namespace', 'object', 'auto']);
    expect(objs[1]!.webhooks[0].clientConfig).toEqual({ caBundle: 'Q0E=', url: 'https://localhost:15017/validate' });
  });

  it('a revision without an injector webhook is a clear error', () => {
    const broken = injector('x');
    broken.webhooks = [];
    expect(() => tagObjects(opts('prod', 'x'), { canonical: broken })).toThrow('could not find sidecar-injector webhook in canonical webhook "istio-sidecar-injector-x"');
  });
});

describe('tag set / generate / list / remove against a (fake) cluster', () => {
  it('set writes the webhook and Service; a second set needs --overwrite; list shows tag, revision and namespaces', async () => {
    const kube = cluster().put(ns('shop', { 'istio.io/rev': 'prod' }));
    const c = capture();
    expect(await tagSet(c.ctx, opts('prod', '1-20-2'), { connect: async () => kube })).toBe(0);
    expect(c.out()).toBe(`Revision tag "prod" created, referencing control plane revision "1-20-2". To enable injection using this\nrevision tag, use 'kubectl label namespace <NAMESPACE> istio.io/rev=prod'\n`);
    expect(kube.log).toEqual(['apply MutatingWebhookConfiguration/istio-revision-tag-prod', 'apply Service/istio-system/istiod-revision-tag-prod']);
    await expect(tagSet(capture().ctx, opts('prod', 'default'), { connect: async () => kube })).rejects.toMatchObject({ kind: 'failed', message: 'revision tag "prod" already exists, and --overwrite is false' });
    expect(await tagSet(capture().ctx, opts('prod', 'default', { overwrite: true }), { connect: async () => kube })).toBe(0);
    const l = capture();
    expect(await tagList(l.ctx, { connect: async () => kube })).toBe(0);
    // istioctl's tabwriter (padding 1); the revision with no tag is listed with an empty TAG.
    expect(l.out()).toBe('TAG  REVISION NAMESPACES\n     1-20-2   \nprod default  shop\n');
    const j = capture({ output: 'json' });
    await tagList(j.ctx, { connect: async () => kube });
    expect(JSON.parse(j.out())).toEqual([{ tag: '', revision: '1-20-2', namespaces: [] }, { tag: 'prod', revision: 'default', namespaces: ['shop'] }]);
  });

  it('refuses a tag named like an existing revision, and a revision that does not exist', async () => {
    const kube = cluster();
    await expect(tagSet(capture().ctx, opts('1-20-2', 'default'), { connect: async () => kube })).rejects.toThrow('cannot create revision tag "1-20-2": found existing control plane revision with same name');
    await expect(tagSet(capture().ctx, opts('prod', '1-99-0'), { connect: async () => kube })).rejects.toThrow('cannot modify tag: cannot find MutatingWebhookConfiguration with revision "1-99-0"');
    expect(kube.log).toEqual([]);
  });

  it('set default switches the untagged default webhook off', async () => {
    const kube = cluster();
    const c = capture();
    expect(await tagSet(c.ctx, opts('default', '1-20-2'), { connect: async () => kube })).toBe(0);
    expect(c.err()).toContain('Switched off the untagged default injector webhook istio-sidecar-injector');
    const old = await kube.read('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'istio-sidecar-injector');
    expect((old!.webhooks as Obj[]).every((w) => JSON.stringify(w.namespaceSelector) === JSON.stringify(NEVER_MATCH) && JSON.stringify(w.objectSelector) === JSON.stringify(NEVER_MATCH))).toBe(true);
    expect(kube.log).toContain('apply ValidatingWebhookConfiguration/istiod-default-validator');
  });

  it('generate prints sorted YAML documents and writes nothing', async () => {
    const kube = cluster();
    const c = capture();
    expect(await tagGenerate(c.ctx, opts('prod', 'default'), { connect: async () => kube })).toBe(0);
    expect(kube.log).toEqual([]);
    const docs = parseAllDocuments(c.out()).map((d) => d.toJS() as Obj);
    expect(docs.map((d) => d.kind)).toEqual(['MutatingWebhookConfiguration', 'Service']);
    expect(c.out()).toMatch(/^apiVersion: admissionregistration\.k8s\.io\/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  labels:\n    app: sidecar-injector\n/);
    expect(c.out()).toContain('\n\n---\napiVersion: v1\nkind: Service\n');
  });

  it('remove asks when namespaces still use the tag (no terminal: usage error), then deletes with -y', async () => {
    const kube = cluster().put(ns('shop', { 'istio.io/rev': 'prod' }));
    await tagSet(capture().ctx, opts('prod', 'default'), { connect: async () => kube });
    await expect(tagRemove(capture().ctx, 'prod', false, { connect: async () => kube })).rejects.toMatchObject({ exitCode: 64 });
    const c = capture();
    expect(await tagRemove(c.ctx, 'prod', true, { connect: async () => kube })).toBe(0);
    expect(c.out()).toBe('Revision tag prod removed\n');
    expect(kube.log.slice(-2)).toEqual(['delete MutatingWebhookConfiguration/istio-revision-tag-prod', 'delete Service/istio-system/istiod-revision-tag-prod']);
    await expect(tagRemove(capture().ctx, 'prod', true, { connect: async () => kube })).rejects.toThrow('cannot remove tag "prod": cannot find MutatingWebhookConfiguration or Service for tag');
  });
});

describe('tag usage errors (before any cluster access)', () => {
  it.each([
    [['tag', 'set', 'prod'], /required option '-r, --revision <rev>'/],
    [['tag', 'set', 'Prod_1', '-r', 'x'], /invalid revision tag "Prod_1"/],
    [['tag', 'generate', '-r', 'x'], /missing required argument 'tag'/],
    [['tag', 'list', 'extra'], /too many arguments/],
    [['tag', 'list', '-o', 'wide'], /output format/],
  ])('%j', async (args, msg) => {
    const r = await runCli(args, { env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(msg);
  });
});
