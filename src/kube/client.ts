/**
 * The real KubeClient over @kubernetes/client-node. The library is imported dynamically inside
 * connect(), so commands that work on files never load it (it is large and slow to import).
 *
 * kubeconfig resolution follows kubectl: --kubeconfig, else $KUBECONFIG (a path list, merged),
 * else ~/.kube/config, else in-cluster; --context picks the context; the namespace defaults to
 * -n, then the context's namespace, then "default". TLS verification stays as the kubeconfig
 * says (the library verifies by default).
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {
  KubeError,
  type AccessAnswer,
  type AccessQuestion,
  type ApplyOptions,
  type KubeConnectOptions,
  type KubeObject,
  type KubeWriteClient,
  type ListOptions,
  type PortForwardSession,
  type ResourceInfo,
  type ServerVersion,
} from './types.js';

type K8s = typeof import('@kubernetes/client-node');

export async function connect(opts: KubeConnectOptions): Promise<KubeWriteClient> {
  const k8s: K8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else if (opts.env.KUBECONFIG) {
      // kubectl merges a KUBECONFIG path list: the first file that defines a name (cluster, user,
      // context) or current-context wins; missing files are skipped.
      const loaded = opts.env.KUBECONFIG.split(':')
        .filter((f) => f !== '' && existsSync(f))
        .map((f) => {
          const one = new k8s.KubeConfig();
          one.loadFromFile(f);
          return one;
        });
      if (loaded.length === 0) throw new Error(`no file in KUBECONFIG exists (${opts.env.KUBECONFIG})`);
      const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
        const seen = new Set<string>();
        return lists.flat().filter((x) => !seen.has(x.name) && seen.add(x.name));
      };
      kc.loadFromOptions({
        clusters: firstByName(loaded.map((c) => c.clusters)),
        users: firstByName(loaded.map((c) => c.users)),
        contexts: firstByName(loaded.map((c) => c.contexts)),
        currentContext: loaded.map((c) => c.currentContext).find((c) => c) ?? '',
      });
    } else kc.loadFromDefault();
  } catch (e) {
    throw new KubeError(`cannot load kubeconfig: ${(e as Error).message}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new KubeError(`context "${opts.context}" does not exist in the kubeconfig`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new KubeError('no cluster in the kubeconfig; set --kubeconfig, KUBECONFIG or --context');
  const ctxNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  return new LiveKubeClient(k8s, kc, opts.namespace ?? ctxNs ?? 'default');
}

class LiveKubeClient implements KubeWriteClient {
  private readonly objects;
  private readonly core;
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo> | undefined>>();
  constructor(
    private readonly k8s: K8s,
    private readonly kc: InstanceType<K8s['KubeConfig']>,
    readonly defaultNamespace: string,
  ) {
    this.objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject> {
    try {
      const spec = { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
      return (await this.objects.read(spec)) as KubeObject;
    } catch (e) {
      throw wrap(e, `get ${kind} ${namespace ? `${namespace}/` : ''}${name}`);
    }
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeObject[]> {
    try {
      const res = await this.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, opts.fieldSelector, opts.labelSelector);
      return (res.items ?? []) as KubeObject[];
    } catch (e) {
      throw wrap(e, `list ${kind}${namespace ? ` in ${namespace}` : ''}`);
    }
  }

  async logs(namespace: string, pod: string, container?: string, opts: { tailLines?: number } = {}): Promise<string> {
    try {
      return await this.core.readNamespacedPodLog({ name: pod, namespace, ...(container ? { container } : {}), ...(opts.tailLines ? { tailLines: opts.tailLines } : {}) });
    } catch (e) {
      throw wrap(e, `logs of ${namespace}/${pod}`);
    }
  }

  async read(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const path = await this.path(apiVersion, kind, namespace, name);
    if (!path) return undefined;
    const r = await this.request('GET', path);
    if (r.status === 404) return undefined;
    return this.ok(r, `get ${kind} ${namespace ? `${namespace}/` : ''}${name}`) as KubeObject;
  }

  async apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    const { apiVersion = '', kind = '' } = obj;
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    const what = `apply ${kind} ${ns ? `${ns}/` : ''}${name}`;
    const path = await this.path(apiVersion, kind, ns, name);
    if (!path) throw new KubeError(`${what}: the server does not serve ${kind} in ${apiVersion}`, 404);
    const q = new URLSearchParams({ fieldManager: opts.fieldManager });
    if (opts.force) q.set('force', 'true');
    if (opts.dryRun) q.set('dryRun', 'All');
    // JSON is valid YAML: the apply content type accepts it unchanged.
    const r = await this.request('PATCH', `${path}?${q}`, JSON.stringify(obj), 'application/apply-patch+yaml');
    return this.ok(r, what) as KubeObject;
  }

  async remove(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; dryRun?: boolean } = {},
  ): Promise<boolean> {
    const path = await this.path(apiVersion, kind, namespace, name);
    if (!path) return false;
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: opts.propagationPolicy ?? 'Background', ...(opts.dryRun ? { dryRun: ['All'] } : {}) };
    const r = await this.request('DELETE', path, JSON.stringify(body));
    if (r.status === 404) return false;
    this.ok(r, `delete ${kind} ${namespace ? `${namespace}/` : ''}${name}`);
    return true;
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let p = this.discovery.get(apiVersion);
    if (!p) {
      p = (async () => {
        const r = await this.request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
        if (r.status === 404) return undefined;
        const list = this.ok(r, `discover ${apiVersion}`) as { resources?: { name: string; kind: string; namespaced: boolean }[] };
        const m = new Map<string, ResourceInfo>();
        // Subresources (pods/log, deployments/scale) share the kind of their parent; skip them.
        for (const res of list.resources ?? []) if (!res.name.includes('/')) m.set(res.kind, { plural: res.name, namespaced: res.namespaced });
        return m;
      })();
      this.discovery.set(apiVersion, p);
      p.catch(() => this.discovery.delete(apiVersion));
    }
    return (await p)?.get(kind);
  }

  async serverVersion(): Promise<ServerVersion> {
    const v = this.ok(await this.request('GET', '/version'), 'get server version') as Partial<ServerVersion>;
    return { major: String(v.major ?? ''), minor: String(v.minor ?? ''), gitVersion: String(v.gitVersion ?? '') };
  }

  async canI(q: AccessQuestion): Promise<AccessAnswer> {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: q.verb, group: q.group, resource: q.resource, ...(q.namespace ? { namespace: q.namespace } : {}) } },
    };
    const r = await this.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', JSON.stringify(review));
    const res = this.ok(r, `access review ${q.verb} ${q.resource}`) as { status?: { allowed?: boolean; reason?: string; evaluationError?: string } };
    const reason = res.status?.reason || res.status?.evaluationError;
    return { allowed: res.status?.allowed === true, ...(reason ? { reason } : {}) };
  }

  private async path(apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string | undefined> {
    const info = await this.resource(apiVersion, kind);
    if (!info) return undefined;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? this.defaultNamespace)}` : '';
    return `${base}${ns}/${info.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private ok(r: { status: number; body: string }, what: string): unknown {
    let parsed: unknown;
    try {
      parsed = r.body ? JSON.parse(r.body) : {};
    } catch {
      parsed = undefined;
    }
    if (r.status >= 200 && r.status < 300 && parsed !== undefined) return parsed;
    const msg = (parsed as { message?: string } | undefined)?.message ?? (r.body.slice(0, 200) || `HTTP ${r.status}`);
    throw new KubeError(`${what}: ${msg}`, r.status);
  }

  /**
   * A raw JSON request to the API server with the kubeconfig's credentials and TLS settings
   * (applyToHTTPSOptions: CA, client certificate, token or exec plugin). Raw JSON keeps every
   * field the server returns; the typed client drops fields its models do not know.
   */
  private async request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
    const server = this.kc.getCurrentCluster()?.server ?? '';
    // A server URL may carry a path prefix (API proxies such as Rancher's /k8s/clusters/<id>).
    const url = new URL(server.replace(/\/+$/, '') + path);
    // An explicit Content-Length: some servers and proxies reject chunked bodies on DELETE.
    const opts: https.RequestOptions = {
      method,
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) } : {}) },
    };
    await this.kc.applyToHTTPSOptions(opts);
    const mod = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer from the API server in 60s`)));
      req.on('error', (e) => reject(new KubeError(`${method} ${url.pathname}: ${e.message}`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /**
   * A local TCP server on 127.0.0.1:<random>; each accepted connection gets its own port-forward
   * stream (a WebSocket to the API server) to the pod port. close() ends the sockets and the
   * WebSockets too: an open WebSocket would keep the process alive after the command is done.
   */
  async portForward(namespace: string, pod: string, port: number): Promise<PortForwardSession> {
    const pf = new this.k8s.PortForward(this.kc, true);
    const sockets = new Set<net.Socket>();
    const sockets2ws = new Map<net.Socket, { close(): void }>();
    // The last port-forward failure, so a request that loses its socket can say why.
    let lastError: string | undefined;
    const server = net.createServer((socket) => {
      sockets.add(socket);
      // Errors surface through the HTTP client and lastError; an unhandled 'error' would crash.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        sockets2ws.get(socket)?.close();
        sockets2ws.delete(socket);
      });
      pf.portForward(namespace, pod, [port], socket, null, socket)
        .then((ws) => {
          const w = typeof ws === 'function' ? ws() : ws;
          if (!w) return;
          if (socket.destroyed) w.close();
          else sockets2ws.set(socket, w);
        })
        .catch((e: unknown) => {
          // The library rejects with a WebSocket ErrorEvent (message "Unexpected server response: 500"),
          // not an Error.
          lastError = errorText(e);
          socket.destroy();
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const localPort = typeof address === 'object' && address ? address.port : 0;
    return {
      localPort,
      lastError: () => lastError,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          for (const w of sockets2ws.values()) w.close();
          server.close(() => resolve());
        }),
    };
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

function wrap(e: unknown, what: string): KubeError {
  const err = e as { code?: number; statusCode?: number; body?: unknown; message?: string };
  const status = err.code ?? err.statusCode;
  let reason = err.message ?? String(e);
  if (typeof err.body === 'string') {
    try {
      reason = (JSON.parse(err.body) as { message?: string }).message ?? reason;
    } catch {
      /* not a Status object */
    }
  } else if (err.body && typeof err.body === 'object' && 'message' in err.body) {
    reason = String((err.body as { message: unknown }).message);
  }
  // client-node's discovery says this (with no HTTP status) when the API server does not serve
  // that group/version/kind: the same meaning as a 404 from the server.
  if (status === undefined && /^Unrecognized API version and kind/.test(reason)) {
    return new KubeError(`${what}: ${reason}`, 404);
  }
  return new KubeError(`${what}: ${reason}`, typeof status === 'number' ? status : undefined);
}
