/**
 * Access to an Envoy admin API. Two sources stand behind one interface, so every command works
 * the same on a live pod and on a saved file:
 *  - FileAdmin: a saved /config_dump, /clusters?format=json, /clusters, /stats or /logging body;
 *  - PortForwardAdmin: the pod's admin port (15000) through a Kubernetes port-forward.
 * Fetching is kept apart from printing: extractors in this folder take the text these return.
 */
import type { KubeClient, PortForwardSession } from '../kube/types.js';
import { KindError, hintOf, kindOf, type ErrorKind } from '../util/errors.js';

export interface EnvoyAdmin {
  /** "pod.namespace" or the file path, for messages and multi-pod output. */
  readonly target: string;
  /** For a saved file, what it holds; undefined for a live proxy, which answers every path. */
  readonly savedKind?: AdminTextKind;
  /** GET an admin path such as "config_dump?mask=bootstrap" (no leading slash); the body as text. */
  get(path: string): Promise<string>;
  /** POST (Envoy's /logging only changes levels on POST). */
  post(path: string): Promise<string>;
  close(): Promise<void>;
  /** Live only: false while the port-forward to the pod is not established yet (or failed). */
  tunnelUp?(): boolean;
}

/**
 * A failed admin call. `tunnel`: it failed before reaching the pod (the port-forward was refused
 * or timed out at the API server), which says nothing about the proxy itself.
 */
export class AdminError extends KindError {
  constructor(
    message: string,
    hint?: string,
    kind: ErrorKind = 'unreachable',
    readonly tunnel = false,
  ) {
    super(message, kind, hint);
    this.name = 'AdminError';
  }
}

/** What a saved admin response holds, guessed from its first bytes. */
export type AdminTextKind = 'config_dump' | 'clusters_json' | 'clusters_text' | 'stats_json' | 'stats_text' | 'prometheus' | 'logging' | 'unknown';

export function classifyAdminText(text: string): AdminTextKind {
  const head = text.slice(0, 8192);
  const t = head.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    if (/"configs"\s*:/.test(head)) return 'config_dump';
    if (/"cluster_statuses"\s*:/.test(head)) return 'clusters_json';
    if (/"stats"\s*:/.test(head)) return 'stats_json';
    return 'unknown';
  }
  if (/^configs\s*:/m.test(head)) return 'config_dump';
  if (t.startsWith('active loggers:')) return 'logging';
  if (t.startsWith('# TYPE ') || t.startsWith('# HELP ')) return 'prometheus';
  const first = t.split('\n', 1)[0] ?? '';
  // /clusters text: "<cluster>::<host>::<stat>::<value>" (and "<cluster>::default_priority::…").
  if (first.includes('::')) return 'clusters_text';
  if (/^[^\s:]+: /.test(first)) return 'stats_text';
  return 'unknown';
}

/** Which saved kinds can answer an admin path. */
export function kindsForPath(path: string): AdminTextKind[] {
  const [p, q = ''] = path.split('?');
  switch (p) {
    case 'config_dump':
      return ['config_dump'];
    case 'clusters':
      return q.includes('format=json') ? ['clusters_json'] : ['clusters_text', 'clusters_json'];
    case 'stats':
      return q.includes('format=json') ? ['stats_json'] : ['stats_text', 'stats_json'];
    case 'stats/prometheus':
      return ['prometheus'];
    case 'logging':
      return ['logging'];
    default:
      return [];
  }
}

const DESCRIBE: Record<AdminTextKind, string> = {
  config_dump: 'an Envoy /config_dump',
  clusters_json: 'an Envoy /clusters?format=json response',
  clusters_text: 'an Envoy /clusters response',
  stats_json: 'an Envoy /stats?format=json response',
  stats_text: 'an Envoy /stats response',
  prometheus: 'an Envoy /stats/prometheus response',
  logging: 'an Envoy /logging response',
  unknown: 'no Envoy admin response istio-ts recognizes',
};

export class FileAdmin implements EnvoyAdmin {
  readonly savedKind: AdminTextKind;
  constructor(
    readonly target: string,
    readonly text: string,
  ) {
    this.savedKind = classifyAdminText(text);
  }

  async get(path: string): Promise<string> {
    const ok = kindsForPath(path);
    if (!ok.includes(this.savedKind)) {
      throw new AdminError(`${this.target} holds ${DESCRIBE[this.savedKind]}, but this needs ${DESCRIBE[ok[0] ?? 'unknown']}`, `Save it with: kubectl exec POD -c istio-proxy -- curl -s 'localhost:15000/${path}'`);
    }
    return this.text;
  }

  async post(path: string): Promise<string> {
    if (path.includes('?')) throw new AdminError(`cannot change log levels in a saved file (${this.target}); pass a pod instead of --file`);
    return this.get(path);
  }

  async close(): Promise<void> {}
}

export interface PortForwardOptions {
  port: number;
  /** Per request, milliseconds. */
  timeoutMs: number;
  /** What answers on the port, for messages (default "Envoy admin"; "istiod" for 15014). */
  service?: string;
  /** What to check when the port cannot be reached. */
  unreachableHint?: string;
}

/** One port-forward per pod, opened on first use and reused for every request to that pod. */
export class PortForwardAdmin implements EnvoyAdmin {
  readonly target: string;
  private session: Promise<PortForwardSession> | undefined;

  constructor(
    private readonly kube: KubeClient,
    readonly pod: { name: string; namespace: string },
    private readonly opts: PortForwardOptions,
  ) {
    this.target = `${pod.name}.${pod.namespace}`;
  }

  private open(): Promise<PortForwardSession> {
    this.session ??= this.kube.portForward(this.pod.namespace, this.pod.name, this.opts.port);
    return this.session;
  }

  get(path: string): Promise<string> {
    return this.request('GET', path);
  }

  post(path: string): Promise<string> {
    return this.request('POST', path);
  }

  private established = false;

  private async request(method: string, path: string): Promise<string> {
    const s = await this.open();
    try {
      if (!this.established && s.established) void s.established().then(() => (this.established = true), () => undefined);
      return await httpRequest(s.localPort, method, path, this.opts.timeoutMs, this.target, this.opts.service, this.opts.unreachableHint);
    } catch (e) {
      // A dropped local socket only says "socket hang up"; the port-forward knows the cause.
      // Its kind (forbidden, not found, timed out…) stays: a refused port-forward is not a dead proxy.
      const failure = s.lastFailure?.();
      const cause = failure?.message ?? s.lastError?.();
      if (cause) {
        // The pod's port refusing the connection (reported inside the tunnel) is about the pod;
        // anything else (RBAC, the API server, a timeout) never reached it.
        const inPod = (failure as { inPod?: boolean } | undefined)?.inPod === true;
        throw new AdminError(
          `${this.target}: port-forward to port ${this.opts.port} failed: ${cause}`,
          hintOf(failure) ?? 'Check that the pod is running and that you may create pods/portforward (kubectl auth can-i create pods --subresource=portforward).',
          failure ? kindOf(failure) : 'unreachable',
          !inPod,
        );
      }
      throw e;
    }
  }

  tunnelUp(): boolean {
    return this.established;
  }

  async close(): Promise<void> {
    if (this.session) await (await this.session).close();
  }
}

export function httpRequest(
  port: number,
  method: string,
  path: string,
  timeoutMs: number,
  target: string,
  service = 'Envoy admin',
  unreachableHint = 'Is the pod running with an istio-proxy sidecar? Check --proxy-admin-port.',
): Promise<string> {
  return new Promise((resolve, reject) => {
    // node:http on first use: an offline read (-f) never loads it (it was ~4 ms of that start).
    const req = process.getBuiltinModule('node:http').request({ host: '127.0.0.1', port, method, path: `/${path.replace(/^\//, '')}`, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new AdminError(`${target}: ${service} ${method} /${path}: unexpected status code: ${res.statusCode}${body ? ` (${body.trim().split('\n')[0]})` : ''}`, undefined, 'failed'));
        } else resolve(body);
      });
    });
    req.on('timeout', () => req.destroy(new AdminError(`${target}: ${service} ${method} /${path} timed out after ${timeoutMs / 1000}s`, 'Raise --timeout, or use a narrower command (the full config dump of a large mesh can be tens of MB).', 'timeout')));
    req.on('error', (e) => reject(e instanceof AdminError ? e : new AdminError(`${target}: cannot reach the ${service} port: ${e.message}`, unreachableHint)));
    req.end();
  });
}

/** Runs fn over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

