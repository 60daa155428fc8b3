import type { KubeClient, KubeObject } from '../kube/types.js';
import { KINDS, kindInfo } from '../resources/kinds.js';
import type { K8sObject } from '../resources/types.js';
import type { SourcedObject } from './build.js';

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
  /** Kinds that could not be listed, with the reason (RBAC, API errors). */
  readonly unavailable: { kind: string; reason: string }[];
  /** data.mesh of the istio ConfigMap, when found. */
  readonly meshConfigText?: string;
}

/** Kinds that have no API of their own (mesh settings come from the istio ConfigMap). */
const SYNTHETIC = new Set(['MeshConfig', 'MeshNetworks']);

/**
 * Lists what the selected analyzers read, from a live cluster. ConfigMaps are limited to Istio's
 * (name starts with "istio"), Secrets leave out Helm releases and service-account tokens, as
 * istioctl does. Secret data stays in memory for the certificate checks and is never printed.
 */
export async function collectLive(
  kube: KubeClient,
  kinds: readonly string[],
  opts: { istioNamespace: string; revision?: string; concurrency?: number },
): Promise<LiveCollection> {
  const objects: SourcedObject[] = [];
  const available = new Set<string>();
  const unavailable: { kind: string; reason: string }[] = [];
  const wanted = [...new Set(kinds)].filter((k) => !SYNTHETIC.has(k) && kindInfo(k));
  const queue = [...wanted];
  const worker = async () => {
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
      const info = kindInfo(k)!;
      const r = await listAnyVersion(kube, info.group, info.k8sKind);
      if ('error' in r) {
        unavailable.push({ kind: k, reason: r.error });
        continue;
      }
      available.add(k);
      for (const o of r.items) {
        if (!keep(k, o)) continue;
        objects.push({ object: normalize(o, r.apiVersion, info.k8sKind) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 6, wanted.length) }, worker));
  const meshName = opts.revision && opts.revision !== 'default' ? `istio-${opts.revision}` : 'istio';
  let meshConfigText: string | undefined;
  try {
    const cm = await kube.get('v1', 'ConfigMap', opts.istioNamespace, meshName);
    const mesh = (cm as { data?: Record<string, string> }).data?.mesh;
    if (typeof mesh === 'string') meshConfigText = mesh;
  } catch {
    // No mesh ConfigMap (Istio not installed, or another revision): the defaults apply.
  }
  objects.sort((a, b) => key(a).localeCompare(key(b)));
  return { objects, available, unavailable, ...(meshConfigText !== undefined ? { meshConfigText } : {}) };
}

function key(o: SourcedObject): string {
  return `${o.object.kind}/${o.object.metadata.namespace ?? ''}/${o.object.metadata.name ?? ''}`;
}

async function listAnyVersion(kube: KubeClient, group: string, kind: string): Promise<{ items: KubeObject[]; apiVersion: string } | { error: string }> {
  let last = 'not served by the API server';
  for (const v of VERSIONS[group] ?? ['v1']) {
    const apiVersion = group ? `${group}/${v}` : v;
    try {
      return { items: await kube.list(apiVersion, kind, undefined), apiVersion };
    } catch (e) {
      const status = (e as { status?: number }).status;
      last = (e as Error).message;
      if (status === 404) continue; // this version (or the CRD) is not served: try the next
      // No HTTP status: the API server was not reached at all. Analyzing without the cluster
      // would report "no issues" for a cluster nobody looked at, so stop here.
      if (status === undefined) throw e;
      return { error: last };
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
