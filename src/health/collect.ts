/**
 * Reads for the Kubernetes/istiod/Envoy part of `health` (no Prometheus): every read is kept with
 * what was read and, when it failed, why, so a failed read becomes UNKNOWN naming the cause and
 * never "healthy". Judging is in ./judge-cluster.ts.
 */
import { mapLimit, PortForwardAdmin } from '../envoy/admin.js';
import { askEveryIstiod, findIstiods, parseIstiodVersion, type IstiodPod } from '../envoy/istiod.js';
import { mergeSyncz, parseSyncz, type ProxySync } from '../envoy/syncz.js';
import type { KubeClient, KubeObject } from '../kube/types.js';
import { kindOf, messageOf, type ErrorKind } from '../util/errors.js';

export type Read<T> = { readonly ok: true; readonly read: string; readonly value: T } | { readonly ok: false; readonly read: string; readonly error: string };

const KIND_WORD: Partial<Record<ErrorKind, string>> = { forbidden: 'forbidden', unauthorized: 'unauthorized', notfound: 'not found', timeout: 'timed out', unreachable: 'unreachable' };

/**
 * Evidence text for a read that failed: the cause in words, "forbidden", "unauthorized", "not found", "timed out" or "unreachable" first,
 * from the error's kind (the one error map, src/util/errors.ts); errors that carry no kind (text
 * passed on from a port-forward) are classified by their status or message.
 */
export function errorEvidence(e: unknown): string {
  const msg = messageOf(e).replace(/\s+/g, ' ').trim();
  const lower = msg.toLowerCase();
  const kind = kindOf(e);
  // An error that has a kind is named by it alone: a 404 from a server that is not the API server is
  // "failed", not "not found". Only kindless errors are classified by their status.
  const word = KIND_WORD[kind] ?? (kind === 'internal' ? ({ 401: 'unauthorized', 403: 'forbidden', 404: 'not found' } as Record<number, string>)[(e as { status?: number })?.status ?? 0] : undefined);
  if (word) return lower.includes(word) ? msg : `${word}: ${msg}`;
  if (/timed? ?out|ETIMEDOUT/i.test(msg)) return /timed? ?out/i.test(msg) ? msg : `timed out: ${msg}`;
  if (/ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|ECONNRESET|cannot reach|unreachable/i.test(msg)) return /unreachable/i.test(msg) ? msg : `unreachable: ${msg}`;
  return msg;
}

async function attempt<T>(read: string, fn: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, read, value: await fn() };
  } catch (e) {
    return { ok: false, read, error: errorEvidence(e) };
  }
}

export interface IstiodAnswerSummary {
  readonly istiod: string;
  readonly ok: boolean;
  readonly error?: string;
}

export interface CertRead {
  /** "pod.namespace". */
  readonly proxy: string;
  /** RFC 3339 expiry of the workload certificate, when read. */
  readonly notAfter?: string;
  readonly error?: string;
}

export interface ClusterSnapshot {
  readonly istioNamespace: string;
  /** The namespace in scope; null for all namespaces. */
  readonly namespace: string | null;
  readonly istiodPods: Read<KubeObject[]>;
  readonly istiodDeployments: Read<KubeObject[]>;
  readonly pdbs: Read<KubeObject[]>;
  readonly hpas: Read<KubeObject[]>;
  readonly webhooks: Read<KubeObject[]>;
  readonly rootCert: Read<string | undefined>;
  /** Running pods that should have a proxy (injected sidecars and gateways), in scope. */
  readonly meshPods: Read<KubeObject[]>;
  /** Per istiod: whether its /debug/syncz answered. */
  readonly syncz: Read<{ readonly answers: readonly IstiodAnswerSummary[]; readonly proxies: readonly ProxySync[] }>;
  readonly istiodVersions: Read<readonly { istiod: string; version?: string; error?: string }[]>;
  readonly certs: readonly CertRead[];
}

export interface CollectOptions {
  readonly istioNamespace: string;
  readonly namespace: string | null;
  readonly timeoutMs: number;
  /** Envoy admin port in the pods (15000). */
  readonly adminPort: number;
}

/** A pod that should run a proxy: injected (sidecar.istio.io/status) or a gateway (`proxy router`). */
export function wantsProxy(p: KubeObject): boolean {
  if (p.metadata?.annotations?.['sidecar.istio.io/status']) return true;
  const containers = (p.spec?.containers as { name?: string; args?: string[] }[] | undefined) ?? [];
  return containers.some((c) => c.name === 'istio-proxy' && c.args?.[0] === 'proxy' && c.args?.[1] === 'router');
}

export async function collectCluster(kube: KubeClient, o: CollectOptions): Promise<ClusterSnapshot> {
  const ns = o.istioNamespace;
  const scope = o.namespace ?? undefined;
  const [istiodPods, istiodDeployments, pdbs, hpas, mutating, validating, rootCert, pods] = await Promise.all([
    attempt(`pods -l app=istiod -n ${ns}`, () => kube.list('v1', 'Pod', ns, { labelSelector: 'app=istiod' })),
    attempt(`deployments -l app=istiod -n ${ns}`, () => kube.list('apps/v1', 'Deployment', ns, { labelSelector: 'app=istiod' })),
    attempt(`poddisruptionbudgets -n ${ns}`, () => kube.list('policy/v1', 'PodDisruptionBudget', ns)),
    attempt(`horizontalpodautoscalers -n ${ns}`, () => kube.list('autoscaling/v2', 'HorizontalPodAutoscaler', ns)),
    attempt('mutatingwebhookconfigurations', () => kube.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined)),
    attempt('validatingwebhookconfigurations', () => kube.list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined)),
    attempt(`configmap istio-ca-root-cert -n ${ns}`, async () => {
      const cm = await kube.get('v1', 'ConfigMap', ns, 'istio-ca-root-cert');
      const pem = (cm as { data?: Record<string, string> }).data?.['root-cert.pem'];
      return pem;
    }),
    attempt(`pods ${scope ? `-n ${scope}` : '-A'} (running, injected or gateway)`, async () =>
      (await kube.list('v1', 'Pod', scope)).filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && wantsProxy(p)),
    ),
  ]);
  const webhooks: Read<KubeObject[]> = !mutating.ok
    ? mutating
    : !validating.ok
      ? validating
      : { ok: true, read: 'mutating/validatingwebhookconfigurations', value: [...mutating.value, ...validating.value].filter(isIstioWebhook) };

  // One list of istiod pods, then /debug/syncz and /version from each, side by side.
  const found = await attempt(`pods -l app=istiod -n ${ns} (Running)`, () => findIstiods(kube, ns));
  const istiods: IstiodPod[] = found.ok ? found.value : [];
  const noIstiod = found.ok ? `no running istiod pod (app=istiod) in ${ns}` : `cannot list istiod pods: ${found.error}`;
  const [syncz, istiodVersions] = await Promise.all([
    attempt(`GET /debug/syncz from every istiod in ${ns}`, async () => {
      if (istiods.length === 0) throw new Error(noIstiod);
      const answers = await askEveryIstiod(kube, istiods, 'debug/syncz', (t, p) => parseSyncz(t, p.name), { timeoutMs: o.timeoutMs });
      const ok = answers.flatMap((a) => (a.ok ? [a.value] : []));
      if (ok.length === 0) throw new Error(`no istiod answered /debug/syncz: ${answers.map((a) => (a.ok ? '' : a.error)).join('; ')}`);
      return {
        answers: answers.map((a) => (a.ok ? { istiod: a.istiod.name, ok: true } : { istiod: a.istiod.name, ok: false, error: errorEvidence({ message: a.error }) })),
        proxies: mergeSyncz(ok),
      };
    }),
    attempt(`GET /version from every istiod in ${ns}`, async () => {
      if (istiods.length === 0) throw new Error(noIstiod);
      const answers = await askEveryIstiod(kube, istiods, 'version', (t) => parseIstiodVersion(t).version, { timeoutMs: o.timeoutMs });
      return answers.map((a) => (a.ok ? { istiod: a.istiod.name, version: a.value } : { istiod: a.istiod.name, error: errorEvidence({ message: a.error }) }));
    }),
  ]);

  // Workload certificates: from each connected proxy in scope through its admin port.
  const connected = new Set(syncz.ok ? syncz.value.proxies.map((p) => p.proxy) : []);
  const targets = pods.ok ? pods.value.filter((p) => connected.has(`${p.metadata?.name}.${p.metadata?.namespace}`)) : [];
  const certs = await mapLimit(targets, 8, async (p): Promise<CertRead> => {
    const pod = { name: p.metadata?.name ?? '', namespace: p.metadata?.namespace ?? '' };
    const admin = new PortForwardAdmin(kube, pod, { port: o.adminPort, timeoutMs: o.timeoutMs });
    try {
      const notAfter = workloadCertExpiry(await admin.get('certs'));
      return notAfter ? { proxy: admin.target, notAfter } : { proxy: admin.target, error: 'no workload certificate in /certs' };
    } catch (e) {
      return { proxy: admin.target, error: errorEvidence(e) };
    } finally {
      await admin.close().catch(() => undefined);
    }
  });

  return { istioNamespace: ns, namespace: o.namespace, istiodPods, istiodDeployments, pdbs, hpas, webhooks, rootCert, meshPods: pods, syncz, istiodVersions, certs };
}

function isIstioWebhook(w: KubeObject): boolean {
  const l = w.metadata?.labels ?? {};
  const name = w.metadata?.name ?? '';
  return l['app'] === 'sidecar-injector' || l['app'] === 'istiod' || Boolean(l['istio.io/rev']) || /^istio(d)?-/.test(name);
}

/** The earliest expiration_time of the cert chains in an Envoy /certs answer (the workload certificate). */
export function workloadCertExpiry(text: string): string | undefined {
  let body: { certificates?: { cert_chain?: { expiration_time?: string }[] }[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return undefined;
  }
  const times = (body.certificates ?? []).flatMap((c) => (c.cert_chain ?? []).map((x) => x.expiration_time ?? '')).filter((t) => t && !Number.isNaN(Date.parse(t)));
  times.sort((a, b) => Date.parse(a) - Date.parse(b));
  return times[0];
}

/**
 * The workload name Istio's telemetry gives a pod (source_workload): the Deployment behind its
 * ReplicaSet, else its owner, else the pod itself.
 */
export function workloadOf(p: KubeObject): string {
  const owner = (p.metadata as { ownerReferences?: { kind?: string; name?: string }[] } | undefined)?.ownerReferences?.[0];
  const name = p.metadata?.name ?? '';
  if (!owner?.name) return name;
  if (owner.kind === 'ReplicaSet') {
    const hash = p.metadata?.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
    return owner.name.replace(/-[a-z0-9]{5,10}$/, '');
  }
  if (owner.kind === 'Job') return owner.name.replace(/-\d+$/, '');
  return owner.name;
}
