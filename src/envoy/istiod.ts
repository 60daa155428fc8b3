/**
 * Reaching istiod's HTTP debug endpoints the way istioctl does (pkg/kube AllDiscoveryDo): every
 * Running pod labelled app=istiod in the Istio namespace (istio.io/rev=<rev> for one revision),
 * through a port-forward to its monitoring port: the pod's prometheus.io/port annotation, else
 * 15014. Each replica only knows the proxies connected to it, so callers ask all of them and a
 * replica that does not answer is reported without hiding the others' answers.
 */
import type { KubeClient, KubeObject } from '../kube/types.js';
import { mapLimit, PortForwardAdmin, type EnvoyAdmin } from './admin.js';

export const ISTIOD_MONITORING_PORT = 15014;

export interface IstiodPod {
  readonly name: string;
  readonly namespace: string;
  /** istio.io/rev, "default" when the label is absent (istioctl's convention). */
  readonly revision: string;
  readonly port: number;
}

export function monitoringPort(pod: KubeObject): number {
  const p = Number(pod.metadata?.annotations?.['prometheus.io/port']);
  return Number.isInteger(p) && p > 0 && p < 65536 ? p : ISTIOD_MONITORING_PORT;
}

export function istiodPodsOf(pods: readonly KubeObject[], namespace: string): IstiodPod[] {
  return pods
    .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp)
    .map((p) => ({
      name: p.metadata?.name ?? '',
      namespace: p.metadata?.namespace ?? namespace,
      revision: p.metadata?.labels?.['istio.io/rev'] || 'default',
      port: monitoringPort(p),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The Running istiod pods of the namespace, of one revision when given. */
export async function findIstiods(kube: KubeClient, namespace: string, revision?: string): Promise<IstiodPod[]> {
  // istiod pods of the default revision carry istio.io/rev=default; older installs carry no
  // label, so "default" is filtered here instead of in the selector.
  const selector = revision && revision !== 'default' ? `app=istiod,istio.io/rev=${revision}` : 'app=istiod';
  const all = istiodPodsOf(await kube.list('v1', 'Pod', namespace, { labelSelector: selector }), namespace);
  return revision === 'default' ? all.filter((p) => p.revision === 'default') : all;
}

export type IstiodAnswer<T> = { readonly istiod: IstiodPod; readonly ok: true; readonly value: T } | { readonly istiod: IstiodPod; readonly ok: false; readonly error: string; readonly hint?: string };

export interface IstiodFetchOptions {
  readonly timeoutMs: number;
  readonly concurrency?: number;
  /** Opens the HTTP source for a pod port (tests pass a fake). */
  readonly open?: (pod: IstiodPod) => EnvoyAdmin;
}

/** GETs `path` from every istiod pod; each pod's answer or failure, in pod order. */
export async function askEveryIstiod<T>(kube: KubeClient, pods: readonly IstiodPod[], path: string, parse: (text: string, pod: IstiodPod) => T, o: IstiodFetchOptions): Promise<IstiodAnswer<T>[]> {
  const open =
    o.open ??
    ((p: IstiodPod) =>
      new PortForwardAdmin(kube, p, {
        port: p.port,
        timeoutMs: o.timeoutMs,
        service: 'istiod',
        unreachableHint: `Is istiod running? Its monitoring port is the pod's prometheus.io/port annotation, else ${ISTIOD_MONITORING_PORT}.`,
      }));
  return mapLimit(pods, o.concurrency ?? 4, async (pod): Promise<IstiodAnswer<T>> => {
    const src = open(pod);
    try {
      return { istiod: pod, ok: true, value: parse(await src.get(path), pod) };
    } catch (e) {
      const hint = (e as { hint?: unknown }).hint;
      return { istiod: pod, ok: false, error: (e as Error).message, ...(typeof hint === 'string' ? { hint } : {}) };
    } finally {
      await src.close().catch(() => undefined);
    }
  });
}

/** istiod's /version: JSON BuildInfo (or {clientVersion: BuildInfo}), or the plain "<version>-<git sha>-<status>". */
export interface IstiodBuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly status: string;
  readonly tag: string;
  readonly golangVersion?: string;
}

export function parseIstiodVersion(text: string): IstiodBuildInfo {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>;
      const b = (typeof o.clientVersion === 'object' && o.clientVersion !== null ? o.clientVersion : o) as Record<string, unknown>;
      const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
      if (s('version')) return { version: s('version'), revision: s('revision'), status: s('status'), tag: s('tag'), ...(s('golang_version') ? { golangVersion: s('golang_version') } : {}) };
    } catch {
      /* fall through to the plain form */
    }
  }
  // "<version>-<git sha>-<status>", e.g. "1.12.0-016bc46f4a5e0ef3fa135b3c5380ab7765467c1a-dirty-Modified"
  // or "1.31-dev-eed52ebb66ad-Clean". Both the version and the revision may contain dashes, so the
  // split is at the first part that looks like a git SHA; without one, istioctl's split (first part
  // the version, last the status).
  const parts = t.split('-');
  if (parts.length >= 3) {
    const sha = parts.findIndex((p, i) => i > 0 && i < parts.length - 1 && /^[0-9a-f]{7,40}$/.test(p));
    const at = sha > 0 ? sha : 1;
    const v = parts.slice(0, at).join('-');
    return { version: v, revision: parts.slice(at, -1).join('-'), status: parts[parts.length - 1]!, tag: v };
  }
  return { version: t, revision: '', status: '', tag: '' };
}
