import { NotKubernetesError, type KubeClient, type KubeObject } from '../kube/types.js';
import { KINDS, kindInfo } from '../resources/kinds.js';
import type { K8sObject } from '../resources/types.js';
import type { SourcedObject } from './build.js';
import { kindOf, messageOf, type ErrorKind } from '../util/errors.js';

/**
 * API versions to list each kind with, newest first. Older control planes serve fewer versions
 * (Istio 1.16 serves networking v1beta1/v1alpha3, not v1), so a 404 falls back to the next.
 */
const VERSIONS: Record<string, readonly string[]> = {
  'networking.istio.io': ['v1', 'v1beta1', 'v1alpha3'],
  'security.istio.io': ['v1', 'v1beta1'],
  'telemetry.istio.io': ['v1', 'v1alpha1'],
  'extensions.istio.io': ['v1alpha1'],
  'gateway.networking.k8s.io': ['v1', 'v1beta1', 'v1alpha2'],
  apps: ['v1'],
  batch: ['v1'],
  'admissionregistration.k8s.io': ['v1'],
  'apiextensions.k8s.io': ['v1'],
  'networking.k8s.io': ['v1'],
  'apps.openshift.io': ['v1'],
  '': ['v1'],
};

export interface LiveCollection {
  readonly objects: SourcedObject[];
  readonly available: Set<string>;
  /**
   * Kinds that could not be read, with the reason (forbidden, unauthorized, an API error) and
   * where ("in bookinfo", "cluster-wide"). Analysis goes on with what was read; the command
   * reports these and does not exit 0 as if the cluster had been checked.
   */
  readonly unavailable: { kind: string; reason: string; errorKind: ErrorKind }[];
  /** data.mesh of the istio ConfigMap, when found. */
  readonly meshConfigText?: string;
  /** Where namespaced kinds were listed: undefined for the whole cluster. */
  readonly namespaces?: readonly string[];
}

/** Kinds that have no API of their own (mesh settings come from the istio ConfigMap). */
const SYNTHETIC = new Set(['MeshConfig', 'MeshNetworks']);

/**
 * Lists what the selected analyzers read, from a live cluster. ConfigMaps are limited to Istio's
 * (name starts with "istio"), Secrets leave out Helm releases and service-account tokens, as
 * istioctl does. Secret data stays in memory for the certificate checks and is never printed.
 *
 * `namespaces` scopes the namespaced kinds (analyze -n: that namespace and the Istio root
 * namespace, whose mesh-wide config applies to it); cluster-scoped kinds are listed as such. A
 * read that is refused (403/401) or fails is recorded per kind; the API server not answering
 * at all (unreachable, timed out) stops the collection, since nothing of the cluster was seen.
 */
export async function collectLive(
  kube: KubeClient,
  kinds: readonly string[],
  opts: { istioNamespace: string; revision?: string; concurrency?: number; namespaces?: readonly string[] },
): Promise<LiveCollection> {
  const objects: SourcedObject[] = [];
  const available = new Set<string>();
  const unavailable: LiveCollection['unavailable'] = [];
  const wanted = [...new Set(kinds)].filter((k) => !SYNTHETIC.has(k) && kindInfo(k));
  const scopes = opts.namespaces ? [...new Set(opts.namespaces)] : undefined;
  const jobs = wanted.flatMap((k) => (kindInfo(k)!.namespaced && scopes ? scopes.map((ns) => ({ kind: k, ns })) : [{ kind: k, ns: undefined as string | undefined }]));
  const failedKinds = new Set<string>();
  const queue = [...jobs];
  const worker = async () => {
    for (let j = queue.shift(); j !== undefined; j = queue.shift()) {
      const info = kindInfo(j.kind)!;
      const r = await listAnyVersion(kube, info.group, info.k8sKind, j.ns);
      if ('error' in r) {
        failedKinds.add(j.kind);
        unavailable.push({ kind: j.kind, reason: r.error, errorKind: r.errorKind });
        continue;
      }
      for (const o of r.items) {
        if (!keep(j.kind, o)) continue;
        objects.push({ object: normalize(o, r.apiVersion, info.k8sKind) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 6, jobs.length) }, worker));
  // A kind is available only when every scope of it was read: half a list is not "none exist".
  for (const k of wanted) if (!failedKinds.has(k)) available.add(k);
  const meshName = opts.revision && opts.revision !== 'default' ? `istio-${opts.revision}` : 'istio';
  let meshConfigText: string | undefined;
  try {
    const cm = await kube.get('v1', 'ConfigMap', opts.istioNamespace, meshName);
    const mesh = (cm as { data?: Record<string, string> }).data?.mesh;
    if (typeof mesh === 'string') meshConfigText = mesh;
  } catch (e) {
    // No mesh ConfigMap (Istio not installed, or another revision): the defaults apply. A
    // refused read is not "no ConfigMap": say so.
    const kind = kindOf(e);
    if (kind !== 'notfound') unavailable.push({ kind: 'MeshConfig', reason: `ConfigMap ${opts.istioNamespace}/${meshName}: ${messageOf(e)}`, errorKind: kind });
  }
  objects.sort((a, b) => key(a).localeCompare(key(b)));
  unavailable.sort((a, b) => a.kind.localeCompare(b.kind) || a.reason.localeCompare(b.reason));
  return { objects, available, unavailable, ...(meshConfigText !== undefined ? { meshConfigText } : {}), ...(scopes ? { namespaces: scopes } : {}) };
}

function key(o: SourcedObject): string {
  return `${o.object.kind}/${o.object.metadata.namespace ?? ''}/${o.object.metadata.name ?? ''}`;
}

async function listAnyVersion(
  kube: KubeClient,
  group: string,
  kind: string,
  namespace: string | undefined,
): Promise<{ items: KubeObject[]; apiVersion: string } | { error: string; errorKind: ErrorKind }> {
  for (const v of VERSIONS[group] ?? ['v1']) {
    const apiVersion = group ? `${group}/${v}` : v;
    try {
      return { items: await kube.list(apiVersion, kind, namespace), apiVersion };
    } catch (e) {
      const errorKind = kindOf(e);
      if (errorKind === 'notfound') continue; // this version (or the CRD) is not served: try the next
      // The API server was not reached at all, did not answer, or rejects the credentials (every
      // other read would fail the same way): analyzing without the cluster would report "no
      // issues" for a cluster nobody looked at, so stop here with that one cause.
      if (errorKind === 'unreachable' || errorKind === 'timeout' || errorKind === 'unauthorized' || e instanceof NotKubernetesError) throw e;
      return { error: messageOf(e), errorKind };
    }
  }
  // No served version at all: the CRD is not installed, so there are none of this kind.
  return { items: [], apiVersion: group ? `${group}/${VERSIONS[group]?.[0] ?? 'v1'}` : 'v1' };
}

function keep(kind: string, o: KubeObject): boolean {
  const name = o.metadata?.name ?? '';
  if (kind === 'ConfigMap') return name.startsWith('istio') && !name.includes('leader');
  if (kind === 'Secret') {
    const type = String((o as { type?: unknown }).type ?? '');
    return type !== 'helm.sh/release.v1' && type !== 'kubernetes.io/service-account-token';
  }
  return true;
}

/** Lists return items without apiVersion/kind; dates become strings as in YAML. */
function normalize(o: KubeObject, apiVersion: string, kind: string): K8sObject {
  const plain = JSON.parse(JSON.stringify(o)) as K8sObject;
  plain.apiVersion = apiVersion;
  plain.kind = kind;
  plain.metadata ??= {};
  return plain;
}

/** Every kind any analyzer could read (used when no --analyzer narrows the set). */
export const ALL_KINDS: readonly string[] = KINDS.map((k) => k.kind);
