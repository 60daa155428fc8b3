/**
 * Revision tags (istioctl/pkg/tag): a mutable alias for a control plane revision. A tag is the
 * MutatingWebhookConfiguration `istio-revision-tag-<tag>` (labels istio.io/rev=<revision>,
 * istio.io/tag=<tag>) that injects pods of namespaces labelled istio.io/rev=<tag> through the
 * revision's istiod, plus the Service `istiod-revision-tag-<tag>` selecting that istiod. The tag
 * `default` also takes over `istio-injection=enabled` and the cluster-wide validator
 * `istiod-default-validator`, and switches the untagged default webhook off.
 *
 * The objects are built from the revision's own injector webhook (its caBundle, URL or Service,
 * path, reinvocation policy, labels and annotations), as istioctl does, so a tag works for any
 * install: istioctl, istio-ts, or helm charts. Pure builders here; cluster reads and writes in
 * the functions taking a client.
 */
import { runAnalyzers } from '../analysis/engine.js';
import { defaultMeshConfig } from '../analysis/mesh-config.js';
import { Snapshot } from '../analysis/snapshot.js';
import webhookAnalyzer from '../analyzers/webhook/analyzer.js';
import type { KubeObject, KubeWriteClient } from '../kube/types.js';
import type { Resource } from '../resources/types.js';
import { KindError, type ErrorKind } from '../util/errors.js';
import { MANAGED_BY_LABEL } from './apply/ownership.js';
import { chartLabels } from './render/common.js';

type Obj = Record<string, unknown>;

export const DEFAULT_REVISION = 'default';
const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';
/** istioctl's util.NeverMatch: the selector that switches the untagged default webhook off. */
export const NEVER_MATCH = { matchLabels: { 'istio.io/deactivated': 'never-match' } };
const DEFAULT_VALIDATOR = 'istiod-default-validator';
/** install.istio-ts.dev/: the ownership labels install stamps (apply/ownership.ts). */
const ISTIO_TS_LABEL_PREFIX = MANAGED_BY_LABEL.slice(0, MANAGED_BY_LABEL.indexOf('/') + 1);

/** A tag that cannot be made or found, with its kind for the one error map (cli/errors). */
export class TagError extends KindError {
  constructor(message: string, kind: ErrorKind = 'failed', hint?: string) {
    super(message, kind, hint);
    this.name = 'TagError';
  }
}

export interface TagOptions {
  readonly tag: string;
  readonly revision: string;
  readonly istioNamespace: string;
  /** --webhook-name: the MutatingWebhookConfiguration's name instead of istio-revision-tag-<tag>. */
  readonly webhookName?: string;
  /** --auto-inject-namespaces (tag default only): inject every namespace without labels too. */
  readonly autoInjectNamespaces?: boolean;
  /** -y: set the tag even when it would conflict with existing injector webhooks (as istioctl). */
  readonly skipConfirmation?: boolean;
}

/** What a tag's objects are built from: the revision's injector webhook (and, for `default`, the validator). */
export interface TagSource {
  readonly canonical: KubeObject;
  readonly defaultValidator?: KubeObject;
}

const rec = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const labelsOf = (o: KubeObject): Record<string, string> => ({ ...(o.metadata?.labels ?? {}) });

/**
 * Labels the tag objects carry: the chart's, then the canonical webhook's (but `app`), minus the
 * installer's. A tag is user-managed: istioctl drops the operator's labels so a reconcile of the
 * revision does not prune it, and istio-ts drops its own ownership labels (install.istio-ts.dev/*)
 * for the same reason: copied from an istio-ts-installed revision's webhook, they made the next
 * `install -r <rev>` count the tag as a leftover of the revision and delete it.
 */
export function tagLabels(chart: Record<string, string>, canonical: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...chart };
  for (const [k, v] of Object.entries(canonical)) if (k !== 'app') out[k] = v;
  for (const k of Object.keys(out)) if (k.includes('operator.istio.io') || k.startsWith(ISTIO_TS_LABEL_PREFIX)) delete out[k];
  return out;
}

interface InjectorEndpoint {
  url?: string;
  service?: string;
  path?: string;
  caBundle?: string;
  reinvocationPolicy?: string;
}

function injectorEndpoint(canonical: KubeObject): InjectorEndpoint {
  const hooks = Array.isArray(canonical.webhooks) ? (canonical.webhooks as Obj[]) : [];
  const w = hooks.find((h) => String(h.name ?? '').endsWith(INJECTOR_SUFFIX));
  if (!w) throw new TagError(`could not find sidecar-injector webhook in canonical webhook "${canonical.metadata?.name ?? ''}"`);
  const cc = rec(w.clientConfig);
  const svc = rec(cc.service);
  return {
    ...(typeof cc.url === 'string' ? { url: cc.url } : {}),
    ...(typeof svc.name === 'string' ? { service: svc.name } : {}),
    ...(typeof svc.path === 'string' ? { path: svc.path } : {}),
    ...(typeof cc.caBundle === 'string' && cc.caBundle ? { caBundle: cc.caBundle } : {}),
    ...(typeof w.reinvocationPolicy === 'string' ? { reinvocationPolicy: w.reinvocationPolicy } : {}),
  };
}

const RULES = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }];
const NOT_DISABLED = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };

/** revision-tags-mwc.yaml's webhooks for one tag (the default tag also gets the istio-injection ones). */
function tagWebhooks(tag: string, ep: InjectorEndpoint, istioNamespace: string, canonicalRevision: string, autoInject: boolean): Obj[] {
  const core = (prefix: string, namespaceSelector: Obj, objectSelector: Obj): Obj => ({
    admissionReviewVersions: ['v1'],
    clientConfig: {
      ...(ep.caBundle ? { caBundle: ep.caBundle } : {}),
      ...(ep.url
        ? { url: ep.url }
        : { service: { name: ep.service ?? (canonicalRevision ? `istiod-${canonicalRevision}` : 'istiod'), namespace: istioNamespace, path: ep.path ?? '/inject', port: 443 } }),
    },
    failurePolicy: 'Fail',
    name: `${prefix}${INJECTOR_SUFFIX}`,
    namespaceSelector,
    objectSelector,
    reinvocationPolicy: ep.reinvocationPolicy ?? 'Never',
    rules: RULES,
    sideEffects: 'None',
  });
  const hooks = [
    core('rev.namespace.', { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [tag] }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [NOT_DISABLED] }),
    core('rev.object.', { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [NOT_DISABLED, { key: 'istio.io/rev', operator: 'In', values: [tag] }] }),
  ];
  if (tag === DEFAULT_REVISION) {
    hooks.push(
      core('namespace.', { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] }, { matchExpressions: [NOT_DISABLED] }),
      core('object.', { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] }, { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] }),
    );
    if (autoInject) {
      hooks.push(
        core(
          'auto.',
          { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'] }] },
          { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] },
        ),
      );
    }
  }
  return hooks;
}

/** The objects `tag generate` prints and `tag set` applies, in istioctl's order. */
export function tagObjects(o: TagOptions, src: TagSource): KubeObject[] {
  const canonicalLabels = labelsOf(src.canonical);
  const canonicalRevision = canonicalLabels['istio.io/rev'];
  if (canonicalRevision === undefined) throw new TagError(`could not extract tag revision from webhook "${src.canonical.metadata?.name ?? ''}"`);
  const rev = canonicalRevision === DEFAULT_REVISION ? '' : canonicalRevision;
  const ep = injectorEndpoint(src.canonical);
  const name = o.webhookName || (o.istioNamespace === 'istio-system' ? `istio-revision-tag-${o.tag}` : `istio-revision-tag-${o.tag}-${o.istioNamespace}`);
  const annotations = src.canonical.metadata?.annotations;
  const mwc: KubeObject = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
      labels: tagLabels(
        { ...chartLabels('istiod', 'istiod', { 'istio.io/tag': o.tag, 'istio.io/rev': rev || DEFAULT_REVISION, app: 'sidecar-injector' }), 'install.operator.istio.io/owning-resource': 'unknown', 'operator.istio.io/component': 'Pilot' },
        canonicalLabels,
      ),
      name,
    },
    webhooks: tagWebhooks(o.tag, ep, o.istioNamespace, rev, o.autoInjectNamespaces === true),
  };
  const out: KubeObject[] = [mwc];
  if (o.tag === DEFAULT_REVISION) out.push(defaultValidator(o, rev, ep, canonicalLabels, annotations, src.defaultValidator));
  out.push(tagService(o));
  return out;
}

/** istiod-default-validator for the default tag: validation through the tagged revision's istiod. */
function defaultValidator(o: TagOptions, rev: string, ep: InjectorEndpoint, canonicalLabels: Record<string, string>, annotations: Record<string, string> | undefined, existing?: KubeObject): KubeObject {
  // The validating URL is the injection URL with /validate as its path.
  let url: string | undefined;
  if (ep.url) {
    try {
      const u = new URL(ep.url);
      u.pathname = '/validate';
      url = u.toString();
    } catch {
      url = ep.url;
    }
  }
  // A Fail policy the user set on the existing validator is kept; Ignore is the chart's.
  const policies = new Map<string, string>();
  for (const w of Array.isArray(existing?.webhooks) ? (existing!.webhooks as Obj[]) : []) if (typeof w.failurePolicy === 'string') policies.set(String(w.name), w.failurePolicy);
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
      labels: tagLabels({ ...chartLabels('default', 'istiod', { app: 'istiod', istio: 'istiod', 'istio.io/rev': rev || DEFAULT_REVISION, 'istio.io/tag': DEFAULT_REVISION }), 'operator.istio.io/component': 'Pilot' }, canonicalLabels),
      name: DEFAULT_VALIDATOR,
    },
    webhooks: [
      {
        admissionReviewVersions: ['v1'],
        clientConfig: {
          ...(ep.caBundle ? { caBundle: ep.caBundle } : {}),
          ...(url ? { url } : { service: { name: rev ? `istiod-${rev}` : 'istiod', namespace: o.istioNamespace, path: '/validate', port: 443 } }),
        },
        failurePolicy: policies.get('validation.istio.io') ?? 'Ignore',
        name: 'validation.istio.io',
        objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }] },
        rules: [{ apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'] }],
        sideEffects: 'None',
      },
    ],
  };
}

/** revision-tags-svc.yaml: the tag's istiod Service (rendered with the revision as given, as istioctl does). */
function tagService(o: TagOptions): KubeObject {
  const rev = o.revision;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      labels: tagLabels(
        { ...chartLabels('istiod', 'istiod', { 'istio.io/rev': rev || DEFAULT_REVISION, 'istio.io/tag': o.tag, app: 'istiod', istio: 'pilot' }), 'install.operator.istio.io/owning-resource': 'unknown', 'operator.istio.io/component': 'Pilot' },
        {},
      ),
      name: `istiod-revision-tag-${o.tag}`,
      namespace: o.istioNamespace,
    },
    spec: {
      // targetPort 0 and the empty status are what istioctl's Go serializer prints for the
      // chart's Service; the API server defaults a 0 targetPort to the port.
      ports: [
        { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 0 },
        { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 0 },
        { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
        { name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 0 },
      ],
      selector: rev ? { app: 'istiod', 'istio.io/rev': rev } : { app: 'istiod', istio: 'pilot' },
    },
    status: { loadBalancer: {} },
  };
}

// ---------------------------------------------------------------- cluster

const MWC = ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'] as const;
const VWC = ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'] as const;

/** The revision's own (untagged) injector webhooks and istiod Services. */
export async function revisionObjects(kube: KubeWriteClient, istioNamespace: string, revision: string): Promise<{ webhooks: KubeObject[]; services: KubeObject[] }> {
  const [webhooks, services] = await Promise.all([
    kube.list(...MWC, undefined, { labelSelector: `istio.io/rev=${revision},!istio.io/tag` }),
    kube.list('v1', 'Service', istioNamespace, { labelSelector: `istio.io/rev=${revision},!istio.io/tag,app=istiod` }),
  ]);
  return { webhooks, services };
}

export async function tagObjectsInCluster(kube: KubeWriteClient, istioNamespace: string, tag: string): Promise<{ webhooks: KubeObject[]; services: KubeObject[]; validators: KubeObject[] }> {
  const [webhooks, services, validators] = await Promise.all([
    kube.list(...MWC, undefined, { labelSelector: `istio.io/tag=${tag}` }),
    kube.list('v1', 'Service', istioNamespace, { labelSelector: `istio.io/tag=${tag}` }),
    kube.list(...VWC, undefined, { labelSelector: `istio.io/tag=${tag}` }),
  ]);
  return { webhooks, services, validators };
}

/** Namespaces labelled istio.io/rev=<tag>: injected through the tag. */
export async function namespacesWithTag(kube: KubeWriteClient, tag: string): Promise<string[]> {
  return (await kube.list('v1', 'Namespace', undefined, { labelSelector: `istio.io/rev=${tag}` })).map((n) => String(n.metadata?.name ?? '')).sort();
}

/**
 * The checks of istioctl's Generate, in its order; returns what the objects are built from.
 * `generate` skips the name collision check (nothing is written).
 */
export async function checkTag(kube: KubeWriteClient, o: TagOptions & { overwrite: boolean; generate: boolean }): Promise<TagSource> {
  if (!o.generate && !o.overwrite && o.tag !== DEFAULT_REVISION) {
    const clash = await revisionObjects(kube, o.istioNamespace, o.tag);
    if (clash.webhooks.length > 0 || clash.services.length > 0) throw new TagError(`cannot create revision tag "${o.tag}": found existing control plane revision with same name`);
  }
  const rev = await revisionObjects(kube, o.istioNamespace, o.revision);
  if (rev.services.length > 1) throw new TagError(`cannot modify tag: found multiple canonical services with revision "${o.revision}" in namespace "${o.istioNamespace}"`);
  if (rev.webhooks.length === 0) {
    throw new TagError(`cannot modify tag: cannot find MutatingWebhookConfiguration with revision "${o.revision}"`, 'notfound', 'List the revisions and tags with: istio-ts tag list');
  }
  if (rev.webhooks.length > 1) throw new TagError(`cannot modify tag: found multiple canonical webhooks with revision "${o.revision}"`);
  if (!o.overwrite) {
    const existing = await tagObjectsInCluster(kube, o.istioNamespace, o.tag);
    if (existing.webhooks.length > 0 || existing.services.length > 0) throw new TagError(`revision tag "${o.tag}" already exists, and --overwrite is false`, 'failed', 'Pass --overwrite to point it at another revision.');
  }
  const validator = o.tag === DEFAULT_REVISION ? await kube.read(...VWC, undefined, DEFAULT_VALIDATOR) : undefined;
  const src: TagSource = { canonical: rev.webhooks[0]!, ...(validator ? { defaultValidator: validator } : {}) };
  if (!o.generate && !o.skipConfirmation) {
    const conflicts = await analyzeTagWebhook(kube, o, tagObjects(o, src)[0]!);
    if (conflicts.length > 0) {
      throw new TagError(
        `creating revision tag "${o.tag}" would conflict with the injector webhooks in the cluster:\n${conflicts.map((c) => `  ${c}`).join('\n')}`,
        'failed',
        'Pods would be injected twice (or not at all). Remove or fix the other webhook, or pass --skip-confirmation (-y) to set the tag anyway.',
      );
    }
  }
  return src;
}

/**
 * istioctl's analyzeWebhook: the webhook analyzer (IST0139 InvalidWebhook) over the cluster's
 * injector webhooks with the tag's webhook added (replacing a live one of the same name), and the
 * Services they call. Returns the Error findings about the tag's webhook, in istioctl's log
 * format: another webhook injecting the same namespace/pod label combination, or a Service the
 * tag would call that does not exist. For `tag set default` the untagged default webhook is
 * analyzed as `tag set` leaves it (switched off by deactivateDefaultWebhook).
 */
export async function analyzeTagWebhook(kube: KubeWriteClient, o: TagOptions & { generate?: boolean }, tagWebhook: KubeObject): Promise<string[]> {
  const name = tagWebhook.metadata?.name ?? '';
  // list() may return objects without apiVersion/kind; the snapshot needs them.
  const live = (await kube.list(...MWC, undefined)).filter((w) => w.metadata?.name !== name).map((w): KubeObject => ({ ...w, apiVersion: MWC[0], kind: MWC[1] }));
  const webhooks = [...live, tagWebhook].map((w) => (o.tag === DEFAULT_REVISION && !o.generate && isUntaggedDefault(w) ? deactivated(w) : w));
  const refs = new Map<string, { namespace: string; name: string }>();
  for (const w of webhooks) {
    for (const h of Array.isArray(w.webhooks) ? (w.webhooks as Obj[]) : []) {
      const svc = rec(rec(h.clientConfig).service);
      if (typeof svc.name === 'string' && typeof svc.namespace === 'string') refs.set(`${svc.namespace}/${svc.name}`, { namespace: svc.namespace, name: svc.name });
    }
  }
  const services = (await Promise.all([...refs.values()].map((r) => kube.read('v1', 'Service', r.namespace, r.name))))
    .filter((x): x is KubeObject => x !== undefined)
    .map((x): KubeObject => ({ ...x, apiVersion: 'v1', kind: 'Service' }));
  const snapshot = new Snapshot([...webhooks, ...services].map(asResource), new Set(['MutatingWebhookConfiguration', 'Service']));
  const { diagnostics } = runAnalyzers([webhookAnalyzer], { snapshot, mesh: defaultMeshConfig(o.istioNamespace), istioNamespace: o.istioNamespace });
  return diagnostics
    .filter((d) => d.level === 'Error' && d.resource?.kind === 'MutatingWebhookConfiguration' && d.resource.name === name)
    .map((d) => `${d.level} [${d.code}] (${d.origin}) ${d.message}`)
    .sort();
}

function isUntaggedDefault(w: KubeObject): boolean {
  const l = w.metadata?.labels ?? {};
  return l['istio.io/rev'] === DEFAULT_REVISION && l['istio.io/tag'] === undefined;
}

function deactivated(w: KubeObject): KubeObject {
  const hooks = Array.isArray(w.webhooks) ? (w.webhooks as Obj[]) : [];
  return { ...w, webhooks: hooks.map((h) => ({ ...h, namespaceSelector: NEVER_MATCH, objectSelector: NEVER_MATCH })) };
}

function asResource(o: KubeObject): Resource {
  const namespaced = o.kind === 'Service';
  return {
    kind: o.kind ?? '',
    apiVersion: o.apiVersion ?? '',
    name: o.metadata?.name ?? '',
    namespace: namespaced ? (o.metadata?.namespace ?? '') : '',
    labels: { ...(o.metadata?.labels ?? {}) },
    annotations: { ...(o.metadata?.annotations ?? {}) },
    object: o as Resource['object'],
  };
}

/** `tag set default`: the untagged default revision's webhook stops matching (istio-injection moves to the tag). */
export async function deactivateDefaultWebhook(kube: KubeWriteClient, fieldManager: string): Promise<string | undefined> {
  const whs = await kube.list(...MWC, undefined, { labelSelector: `istio.io/rev=${DEFAULT_REVISION},!istio.io/tag` });
  if (whs.length === 0) return undefined;
  if (whs.length > 1) throw new TagError('expected a single webhook for default revision');
  const wh = whs[0]!;
  const hooks = Array.isArray(wh.webhooks) ? (wh.webhooks as Obj[]) : [];
  await kube.apply(
    { apiVersion: MWC[0], kind: MWC[1], metadata: { name: wh.metadata!.name! }, webhooks: hooks.map((h) => ({ ...h, namespaceSelector: NEVER_MATCH, objectSelector: NEVER_MATCH })) },
    { fieldManager, force: true },
  );
  return wh.metadata?.name;
}

export interface TagRow {
  readonly tag: string;
  readonly revision: string;
  readonly namespaces: string[];
}

/**
 * `tag list`: every (tag, revision) from webhooks and Services labelled istio.io/rev; a revision
 * with tags is listed only through them, an untagged revision with an empty tag (as istioctl).
 */
export async function listTags(kube: KubeWriteClient, istioNamespace: string): Promise<TagRow[]> {
  const [webhooks, services] = await Promise.all([kube.list(...MWC, undefined, { labelSelector: 'istio.io/rev' }), kube.list('v1', 'Service', istioNamespace, { labelSelector: 'istio.io/rev' })]);
  const keys = new Map<string, { tag: string; revision: string }>();
  for (const o of [...webhooks, ...services]) {
    const l = o.metadata?.labels ?? {};
    const revision = l['istio.io/rev'];
    if (revision === undefined) continue;
    const tag = l['istio.io/tag'] ?? '';
    keys.set(`${revision}\u0000${tag}`, { tag, revision });
  }
  for (const k of [...keys.values()]) if (k.tag !== '') keys.delete(`${k.revision}\u0000`);
  const rows: TagRow[] = [];
  for (const k of keys.values()) rows.push({ ...k, namespaces: await namespacesWithTag(kube, k.tag) });
  return rows.sort((a, b) => (a.revision !== b.revision ? (a.revision < b.revision ? -1 : 1) : a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
