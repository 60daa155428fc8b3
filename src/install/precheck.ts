/**
 * `precheck`: can this cluster take this install? Each check states its passing condition and
 * a hint; evaluators are pure functions over fetched data, gatherPrecheck does the fetching.
 * The runner never prints (src/output/install.ts renders ✔/×/‼ lines or JSON).
 */
import type { AccessAnswer, AccessQuestion, KubeObject, KubeWriteClient, ServerVersion } from '../kube/types.js';
import { asObjects, asRecord } from '../util/objects.js';
import { MANAGED_BY_LABEL, revisionValue } from './apply/ownership.js';
import { mapLimit } from './apply/run.js';
import type { RenderedObject } from './types.js';
import { ISTIO_RELEASE } from './version.js';

/**
 * Istio 1.28 supports Kubernetes 1.30–1.34 (istio.io "Supported Releases"); older API servers
 * lack fields the charts set. A newer minor is only a warning: it usually works, untested.
 */
export const MIN_KUBERNETES_MINOR = 30;
export const MAX_TESTED_KUBERNETES_MINOR = 34;

export type CheckStatus = 'ok' | 'warning' | 'error' | 'info';

export interface CheckResult {
  readonly id: string;
  /** The passing condition, e.g. "Kubernetes version is supported". */
  readonly description: string;
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly message: string;
  readonly details: readonly string[];
  readonly hint?: string;
}

const HINT_BASE = 'https://istio.io/latest/docs/setup/platform-setup/prerequisites/';

export function checkKubernetesVersion(v: ServerVersion): CheckResult {
  const base = { id: 'kubernetes-version', description: `Kubernetes version is at least 1.${MIN_KUBERNETES_MINOR}` };
  // Managed clusters report minors like "30+" (EKS, GKE).
  const minor = Number.parseInt(v.minor, 10);
  const major = Number.parseInt(v.major, 10);
  const shown = v.gitVersion || `${v.major}.${v.minor}`;
  if (!Number.isFinite(minor) || !Number.isFinite(major)) {
    return { ...base, status: 'warning', message: `cannot parse the server version "${shown}"`, details: [] };
  }
  if (major < 1 || (major === 1 && minor < MIN_KUBERNETES_MINOR)) {
    return {
      ...base,
      status: 'error',
      message: `Kubernetes ${shown} is older than 1.${MIN_KUBERNETES_MINOR}, the minimum for Istio ${ISTIO_RELEASE}`,
      details: [],
      hint: `Upgrade the cluster, or install an older Istio release. See https://istio.io/latest/docs/releases/supported-releases/`,
    };
  }
  if (major === 1 && minor > MAX_TESTED_KUBERNETES_MINOR) {
    return { ...base, status: 'warning', message: `Kubernetes ${shown} is newer than Istio ${ISTIO_RELEASE} was tested with (1.${MAX_TESTED_KUBERNETES_MINOR})`, details: [] };
  }
  return { ...base, status: 'ok', message: `Kubernetes ${shown}`, details: [] };
}

export interface PermissionAnswer {
  readonly question: AccessQuestion;
  /** Kind name for messages. */
  readonly kind: string;
  readonly answer: AccessAnswer | { readonly notServed: true };
}

export function checkPermissions(answers: readonly PermissionAnswer[]): CheckResult {
  const base = { id: 'permissions', description: 'You may create and update every kind install writes' };
  const denied = answers.filter((a) => !('allowed' in a.answer) || !a.answer.allowed);
  if (denied.length === 0) return { ...base, status: 'ok', message: `${answers.length} permissions checked`, details: [] };
  const details = denied.map((a) => {
    const where = a.question.namespace ? ` in namespace ${a.question.namespace}` : ' (cluster-wide)';
    if (!('allowed' in a.answer)) return `${a.kind} (${a.question.group || 'core'}) is not served by this cluster`;
    return `cannot ${a.question.verb} ${a.question.resource}${a.question.group ? `.${a.question.group}` : ''}${where}${a.answer.reason ? `: ${a.answer.reason}` : ''}`;
  });
  return {
    ...base,
    status: 'error',
    message: `${denied.length} of ${answers.length} permissions missing`,
    details,
    hint: `Ask a cluster admin for cluster-admin (Istio installs cluster-scoped RBAC, webhooks and CRDs). See ${HINT_BASE}`,
  };
}

/** Who installed an istiod Deployment, from the labels istioctl, Helm and istio-ts leave. */
export function installerOf(o: KubeObject): string {
  const l = o.metadata?.labels ?? {};
  if (l[MANAGED_BY_LABEL] === 'istio-ts') return 'istio-ts';
  // Helm first: the charts label their objects operator.istio.io/component too, but only a Helm
  // release annotates them with its name.
  if (o.metadata?.annotations?.['meta.helm.sh/release-name']) return `Helm release ${o.metadata.annotations['meta.helm.sh/release-name']}`;
  if (l['operator.istio.io/managed'] === 'Reconcile' || l['operator.istio.io/component']) return 'istioctl';
  if (l['app.kubernetes.io/managed-by']) return l['app.kubernetes.io/managed-by'];
  return 'unknown installer';
}

export function istiodVersion(o: KubeObject): string {
  const containers = asObjects(asRecord(asRecord(asRecord(o.spec).template).spec).containers);
  const c = containers.find((x) => x.name === 'discovery') ?? containers[0];
  const image = String(c?.image ?? '');
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(at + 1) : 'unknown';
}

export function checkExistingIstio(istiods: readonly KubeObject[], revision: string): CheckResult {
  const base = { id: 'existing-istio', description: 'No other installer owns the revision being installed' };
  if (istiods.length === 0) return { ...base, status: 'ok', message: 'no Istio control plane found', details: [] };
  const rev = revisionValue(revision);
  const details = istiods
    .map((d) => `revision ${d.metadata?.labels?.['istio.io/rev'] || 'default'}: ${istiodVersion(d)} in ${d.metadata?.namespace} (Deployment ${d.metadata?.name}, installed by ${installerOf(d)})`)
    .sort();
  const same = istiods.filter((d) => (d.metadata?.labels?.['istio.io/rev'] || 'default') === rev);
  const foreign = same.filter((d) => installerOf(d) !== 'istio-ts');
  if (foreign.length) {
    return {
      ...base,
      status: 'warning',
      message: `revision ${rev} is already installed by ${installerOf(foreign[0]!)}; install will take over its objects`,
      details,
      hint: 'Install a new revision (-r) and move workloads over (canary upgrade), or uninstall the other installation first. Objects taken over from Helm break later `helm upgrade`.',
    };
  }
  const other = same.find((d) => istiodVersion(d) !== ISTIO_RELEASE && istiodVersion(d) !== 'unknown');
  if (other) {
    return {
      ...base,
      status: 'warning',
      message: `revision ${rev} runs ${istiodVersion(other)}; install changes it in place to ${ISTIO_RELEASE}`,
      details,
      hint: 'In-place upgrades restart istiod for every proxy of the revision; a canary revision (-r) is safer. The control plane may be at most one minor ahead of proxies.',
    };
  }
  return { ...base, status: 'info', message: `${istiods.length} control plane(s) found`, details };
}

const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';

/**
 * Two injector webhooks answering for the same revision inject pods twice or race (istioctl's
 * CheckWebhooks refuses overlapping injectors too). Webhook configurations install would write
 * itself (same name) are not conflicts: they are updated in place.
 */
export function checkWebhooks(mwcs: readonly KubeObject[], ownNames: readonly string[], revision: string): CheckResult {
  const base = { id: 'webhooks', description: 'No other sidecar injector serves the revision being installed' };
  const rev = revisionValue(revision);
  const conflicts: string[] = [];
  for (const m of mwcs) {
    const name = m.metadata?.name ?? '';
    if (ownNames.includes(name)) continue;
    const hooks = asObjects(m.webhooks).filter((h) => String(h.name ?? '').endsWith(INJECTOR_SUFFIX));
    if (hooks.length === 0) continue;
    const mwcRev = m.metadata?.labels?.['istio.io/rev'] || 'default';
    const isTag = m.metadata?.labels?.['istio.io/tag'];
    // A revision tag (istio.io/tag=default) that points at this revision injects for it too;
    // that is the intended canary set-up, not a conflict.
    if (mwcRev === rev && !isTag) conflicts.push(`MutatingWebhookConfiguration ${name} (${hooks.map((h) => String(h.name)).join(', ')}) injects for revision ${rev}`);
  }
  if (conflicts.length === 0) return { ...base, status: 'ok', message: 'no conflicting injector webhooks', details: [] };
  return {
    ...base,
    status: 'error',
    message: `${conflicts.length} other injector webhook configuration(s) for revision ${rev}`,
    details: conflicts,
    hint: 'Delete the stale webhook configuration (kubectl delete mutatingwebhookconfiguration <name>) or install with another revision (-r).',
  };
}

/** The distinct (apiVersion, kind, namespace) the rendered objects need, plus their namespaces. */
export function writeTargets(desired: readonly RenderedObject[]): { apiVersion: string; kind: string; namespace?: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string; namespace?: string }>();
  const add = (apiVersion: string, kind: string, namespace?: string) => seen.set(`${apiVersion}|${kind}|${namespace ?? ''}`, { apiVersion, kind, ...(namespace ? { namespace } : {}) });
  add('v1', 'Namespace');
  for (const d of desired) add(d.object.apiVersion, d.object.kind, d.object.metadata.namespace);
  return [...seen.values()];
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** Fetches everything the checks need and evaluates them, in a fixed order. */
export async function gatherPrecheck(kube: KubeWriteClient, desired: readonly RenderedObject[], revision: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  results.push(checkKubernetesVersion(await kube.serverVersion()));
  const targets = writeTargets(desired);
  const answers = (
    await mapLimit(targets, 8, async (t): Promise<PermissionAnswer[]> => {
      const info = await kube.resource(t.apiVersion, t.kind);
      const group = groupOf(t.apiVersion);
      if (!info) return [{ question: { verb: 'create', group, resource: t.kind.toLowerCase() }, kind: t.kind, answer: { notServed: true } }];
      return Promise.all(
        // Server-side apply is a PATCH; creating through it needs create as well.
        (['create', 'patch'] as const).map(async (verb) => {
          const question: AccessQuestion = { verb, group, resource: info.plural, ...(info.namespaced && t.namespace ? { namespace: t.namespace } : {}) };
          return { question, kind: t.kind, answer: await kube.canI(question) };
        }),
      );
    })
  ).flat();
  results.push(checkPermissions(answers));
  const istiods = await kube.list('apps/v1', 'Deployment', undefined, { labelSelector: 'app=istiod' });
  results.push(checkExistingIstio(istiods, revision));
  const mwcs = await kube.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined);
  const own = desired.filter((d) => d.object.kind === 'MutatingWebhookConfiguration').map((d) => d.object.metadata.name ?? '');
  results.push(checkWebhooks(mwcs, own, revision));
  return results;
}

export function precheckFailed(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'error');
}
