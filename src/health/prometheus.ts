/**
 * A small client for Prometheus's HTTP API (instant queries only), and finding the user's
 * Prometheus in the cluster: a `prometheus` Service in the Istio namespace or a monitoring
 * namespace, reached through a port-forward to one of its ready pods. Plain fetch: the two npm
 * clients add nothing an instant query needs.
 */
import type { KubeClient, KubeObject } from '../kube/types.js';

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  /** NaN and ±Inf are kept as numbers. */
  readonly value: number;
}

export type PromErrorKind = 'unreachable' | 'timed out' | 'unauthorized' | 'forbidden' | 'not found' | 'bad response' | 'query';

export class PromError extends Error {
  constructor(
    message: string,
    readonly kind: PromErrorKind,
  ) {
    super(message);
    this.name = 'PromError';
  }
}

export interface PromClient {
  /** What was queried, for evidence ("http://127.0.0.1:9090", "svc/prometheus.monitoring (port-forward)"). */
  readonly description: string;
  /** An instant query evaluated at `at`. */
  query(q: string, at: Date): Promise<PromSample[]>;
  close(): Promise<void>;
}

export type Fetch = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<{ status: number; text(): Promise<string> }>;

export interface HttpPromOptions {
  readonly timeoutMs: number;
  readonly description?: string;
  readonly fetch?: Fetch;
  readonly onClose?: () => Promise<void>;
}

function parseValue(v: unknown): number {
  if (!Array.isArray(v) || v.length < 2) return NaN;
  const s = String(v[1]);
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/** The samples of a /api/v1/query answer (vector or scalar). */
export function parseQueryResponse(text: string, where: string): PromSample[] {
  let body: { status?: string; data?: { resultType?: string; result?: unknown }; error?: string; errorType?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new PromError(`${where}: the answer is not JSON (is this a Prometheus API?): ${text.slice(0, 80).replace(/\s+/g, ' ')}`, 'bad response');
  }
  if (body.status !== 'success') throw new PromError(`${where}: ${body.errorType ?? 'error'}: ${body.error ?? 'no error message'}`, 'query');
  const d = body.data ?? {};
  if (d.resultType === 'scalar') return [{ metric: {}, value: parseValue(d.result) }];
  if (d.resultType !== 'vector' || !Array.isArray(d.result)) throw new PromError(`${where}: expected a vector or scalar result, got ${d.resultType ?? 'nothing'}`, 'bad response');
  return (d.result as { metric?: Record<string, string>; value?: unknown }[]).map((r) => ({ metric: r.metric ?? {}, value: parseValue(r.value) }));
}

/**
 * Prometheus at a base URL (http or https; TLS is verified). Credentials in the URL
 * (https://user:pass@host) are sent as basic auth and never printed.
 */
export function httpProm(baseUrl: string, o: HttpPromOptions): PromClient {
  const u = new URL(baseUrl);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (u.username || u.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  const base = u.toString().replace(/\/+$/, '');
  const f: Fetch = o.fetch ?? ((url, init) => fetch(url, init));
  return {
    description: o.description ?? base,
    async query(q, at) {
      const url = `${base}/api/v1/query?${new URLSearchParams({ query: q, time: (at.getTime() / 1000).toFixed(3) }).toString()}`;
      const where = `Prometheus ${o.description ?? base}`;
      let res: { status: number; text(): Promise<string> };
      try {
        res = await f(url, { signal: AbortSignal.timeout(o.timeoutMs), headers });
      } catch (e) {
        throw classifyFetchError(e, where, o.timeoutMs);
      }
      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        throw classifyFetchError(e, where, o.timeoutMs);
      }
      if (res.status === 401) throw new PromError(`${where}: unauthorized (HTTP 401)`, 'unauthorized');
      if (res.status === 403) throw new PromError(`${where}: forbidden (HTTP 403)`, 'forbidden');
      if (res.status === 404) throw new PromError(`${where}: /api/v1/query not found (HTTP 404): is the URL the Prometheus root (with its --web.route-prefix)?`, 'not found');
      // 400 and 422 carry the query error as JSON; anything else is not an answer.
      if (res.status !== 200 && res.status !== 400 && res.status !== 422) throw new PromError(`${where}: HTTP ${res.status}: ${text.slice(0, 120).trim()}`, 'bad response');
      return parseQueryResponse(text, where);
    },
    close: o.onClose ?? (async () => undefined),
  };
}

function classifyFetchError(e: unknown, where: string, timeoutMs: number): PromError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return new PromError(`${where}: timed out after ${timeoutMs / 1000}s`, 'timed out');
  const code = err?.cause?.code ?? (err as { code?: string }).code;
  const msg = err?.cause?.message ?? err?.message ?? String(e);
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return new PromError(`${where}: TLS verification failed: ${msg}`, 'unreachable');
  return new PromError(`${where}: unreachable: ${msg}`, 'unreachable');
}

// ---------------------------------------------------------------- discovery in the cluster

const NAME = /^(prometheus|prometheus-server|prometheus-operated|prometheus-k8s|kube-prometheus-stack-prometheus|.*-kube-prom(etheus)?-prometheus)$/;

/** Namespaces looked in, in order: the Istio namespace, then the usual monitoring ones. */
export function discoveryNamespaces(istioNamespace: string): string[] {
  return [...new Set([istioNamespace, 'monitoring', 'prometheus', 'observability'])];
}

export interface Discovered {
  readonly service: string;
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

function selectorString(sel: unknown): string | undefined {
  if (!sel || typeof sel !== 'object') return undefined;
  const parts = Object.entries(sel as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : undefined;
}

function isReady(p: KubeObject): boolean {
  const conds = (p.status?.conditions as { type?: string; status?: string }[] | undefined) ?? [];
  return p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The container port a Service port targets on a pod (targetPort by number or name; else port). */
export function targetPortOn(svcPort: { port?: number; targetPort?: number | string }, pod: KubeObject): number | undefined {
  const t = svcPort.targetPort ?? svcPort.port;
  if (typeof t === 'number') return t;
  if (typeof t === 'string' && /^\d+$/.test(t)) return Number(t);
  const containers = ((pod.spec?.containers as { ports?: { name?: string; containerPort?: number }[] }[] | undefined) ?? []);
  for (const c of containers) for (const p of c.ports ?? []) if (p.name === t && p.containerPort) return p.containerPort;
  return undefined;
}

/**
 * Finds a Prometheus Service and a ready pod behind it. Returns undefined when there is none;
 * a failed list (forbidden…) is thrown, so the caller can say why it could not look.
 */
export async function discoverPrometheus(kube: KubeClient, istioNamespace: string): Promise<Discovered | undefined> {
  for (const ns of discoveryNamespaces(istioNamespace)) {
    let services: KubeObject[];
    try {
      services = await kube.list('v1', 'Service', ns);
    } catch (e) {
      // A namespace that does not exist lists as empty; anything else (forbidden) is worth saying.
      if ((e as { status?: number }).status === 404) continue;
      throw e;
    }
    const candidates = services.filter((s) => NAME.test(s.metadata?.name ?? '')).sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    for (const svc of candidates) {
      const selector = selectorString(svc.spec?.selector);
      if (!selector) continue;
      const ports = (svc.spec?.ports as { name?: string; port?: number; targetPort?: number | string }[] | undefined) ?? [];
      const port = ports.find((p) => /^(http|web|http-web|http-prometheus)$/.test(p.name ?? '')) ?? ports.find((p) => p.port === 9090) ?? ports[0];
      if (!port) continue;
      const pods = (await kube.list('v1', 'Pod', ns, { labelSelector: selector })).filter(isReady);
      const pod = pods.sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1))[0];
      if (!pod) continue;
      const target = targetPortOn(port, pod);
      if (!target) continue;
      return { service: svc.metadata?.name ?? '', namespace: ns, pod: pod.metadata?.name ?? '', port: target };
    }
  }
  return undefined;
}

/** A client for a discovered Prometheus, through a port-forward to its pod (closed by close()). */
export async function connectDiscovered(kube: KubeClient, d: Discovered, timeoutMs: number): Promise<PromClient> {
  const session = await kube.portForward(d.namespace, d.pod, d.port);
  return httpProm(`http://127.0.0.1:${session.localPort}`, {
    timeoutMs,
    description: `svc/${d.service}.${d.namespace} (port-forward to ${d.pod}:${d.port})`,
    onClose: () => session.close(),
  });
}
