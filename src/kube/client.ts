/**
 * The real KubeClient: a thin client over Node's http/https with @kubernetes/client-node's
 * KubeConfig for what kubectl's kubeconfig handling does (loading, merging, TLS material, tokens,
 * auth providers such as OIDC). Only KubeConfig is used from the library: the build bundles it
 * without the generated models and APIs (scripts/build.mjs), and this module is imported
 * dynamically, on first cluster use, so that commands working on files never load it.
 *
 * kubeconfig resolution follows kubectl: --kubeconfig, else $KUBECONFIG (a path list, merged),
 * else ~/.kube/config, else in-cluster; with none, kubectl's localhost:8080 default. --context picks
 * the context; the namespace defaults to -n, then the context's namespace, then "default". TLS
 * verification stays as the kubeconfig says (on unless insecure-skip-tls-verify).
 *
 * Every API call and port-forward upgrade is bounded by --request-timeout; every failure is a
 * KubeError whose kind says what happened (forbidden, unauthorized, not found, timed out,
 * unreachable) and which call it was.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { runExecPlugin, type ExecConfig, type ExecCredential } from './exec.js';
import { settleOnce } from './once.js';
import { openPortForward } from './portforward.js';
import {
  KubeError,
  NotKubernetesError,
  kindForStatus,
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

/** kubectl's --request-timeout default is none; a CLI that must never hang takes 30 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export async function connect(opts: KubeConnectOptions): Promise<KubeWriteClient> {
  const kc = new KubeConfig();
  let source: string;
  try {
    source = loadKubeconfig(kc, opts);
  } catch (e) {
    if (e instanceof KubeError) throw e;
    throw new KubeError(`cannot load kubeconfig: ${(e as Error).message}`, undefined, 'noinput', 'Check --kubeconfig / KUBECONFIG.');
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) throw new KubeError(`context "${opts.context}" does not exist in the kubeconfig`, undefined, 'usage');
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new KubeError('no cluster in the kubeconfig; set --kubeconfig, KUBECONFIG or --context', undefined, 'usage');
  const ctxNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return new LiveKubeClient(kc, opts.namespace ?? ctxNs ?? 'default', timeoutMs, source, opts.env);
}

/** Loads the kubeconfig as kubectl resolves it; returns where it came from (for messages). */
function loadKubeconfig(kc: KubeConfig, opts: KubeConnectOptions): string {
  if (opts.kubeconfig) {
    // kubectl: an explicit --kubeconfig must exist.
    if (!existsSync(opts.kubeconfig)) throw new KubeError(`stat ${opts.kubeconfig}: no such file or directory`, undefined, 'noinput', 'Check --kubeconfig.');
    loadFile(kc, opts.kubeconfig);
    return opts.kubeconfig;
  }
  if (opts.env.KUBECONFIG) {
    // kubectl merges a KUBECONFIG path list: the first file that defines a name (cluster, user,
    // context) or current-context wins; missing files are skipped.
    const files = opts.env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '' && existsSync(f));
    const loaded = files.map((f) => {
      const one = new KubeConfig();
      loadFile(one, f);
      return one;
    });
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
    if (kc.clusters.length > 0) return `KUBECONFIG=${opts.env.KUBECONFIG}`;
    return useKubectlDefault(kc, `KUBECONFIG=${opts.env.KUBECONFIG} names no existing, non-empty file`);
  }
  const home = opts.env.HOME || opts.env.USERPROFILE || homedir();
  const file = path.join(home, '.kube', 'config');
  if (existsSync(file)) {
    loadFile(kc, file);
    if (kc.clusters.length > 0) return file;
    return useKubectlDefault(kc, `${file} is empty`);
  }
  const host = opts.env.KUBERNETES_SERVICE_HOST;
  if (host && opts.env.KUBERNETES_SERVICE_PORT && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) {
    kc.loadFromCluster();
    return 'in-cluster service account';
  }
  return useKubectlDefault(kc, `no kubeconfig (${file} does not exist and KUBECONFIG is not set)`);
}

function loadFile(kc: KubeConfig, file: string): void {
  // An empty file is an empty config for kubectl; the library would throw on it.
  if (statSync(file).size === 0 || readFileSync(file, 'utf8').trim() === '') return;
  kc.loadFromFile(file);
}

/** kubectl with no usable kubeconfig talks to http://localhost:8080 (and says so when refused). */
function useKubectlDefault(kc: KubeConfig, why: string): string {
  kc.loadFromOptions({
    clusters: [{ name: 'default', server: 'http://localhost:8080', skipTLSVerify: false }],
    users: [{ name: 'default' }],
    contexts: [{ name: 'default', cluster: 'default', user: 'default' }],
    currentContext: 'default',
  });
  return why;
}

/** Kinds of the core API whose resource names are fixed: no discovery round trip for them. */
const CORE: Record<string, ResourceInfo> = {
  Pod: { plural: 'pods', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  ConfigMap: { plural: 'configmaps', namespaced: true },
  Secret: { plural: 'secrets', namespaced: true },
  Endpoints: { plural: 'endpoints', namespaced: true },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  Event: { plural: 'events', namespaced: true },
  Namespace: { plural: 'namespaces', namespaced: false },
  Node: { plural: 'nodes', namespaced: false },
};

interface Auth {
  readonly headers: Record<string, string>;
  readonly agent: http.Agent;
  readonly tls: https.AgentOptions & { auth?: string };
  /** When an exec credential expires (ms since epoch); the next call fetches a new one. */
  readonly expiresAt?: number;
}

interface Response {
  readonly status: number;
  readonly body: string;
}

class LiveKubeClient implements KubeWriteClient {
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo> | undefined>>();
  private readonly server: string;
  private auth: Promise<Auth> | undefined;
  private execCredential: Promise<ExecCredential> | undefined;

  constructor(
    private readonly kc: KubeConfig,
    readonly defaultNamespace: string,
    private readonly timeoutMs: number,
    private readonly source: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    // A server URL may carry a path prefix (API proxies such as Rancher's /k8s/clusters/<id>).
    this.server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject> {
    const what = `get ${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const p = await this.path(apiVersion, kind, namespace, name, what);
    return this.ok(await this.request('GET', p, what), what, { verb: 'get', apiVersion, kind, namespace }) as KubeObject;
  }

  async list(apiVersion: string, kind: string, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeObject[]> {
    const what = `list ${kind}${namespace ? ` in ${namespace}` : ''}`;
    const p = await this.path(apiVersion, kind, namespace, undefined, what, true);
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const qs = q.toString();
    const res = this.ok(await this.request('GET', qs ? `${p}?${qs}` : p, what), what, { verb: 'list', apiVersion, kind, namespace }) as { items?: KubeObject[] | null };
    // A list always has items ([] or null when empty); JSON without them (a proxy's "{}") is no
    // list, and reading it as "none exist" would pass every check.
    if (!Array.isArray(res.items) && res.items !== null) throw new KubeError(`${what}: the server ${this.server} answered without a list of items; not a Kubernetes list`, undefined, 'data');
    return res.items ?? [];
  }

  async logs(namespace: string, pod: string, container?: string, opts: { tailLines?: number } = {}): Promise<string> {
    const what = `logs of ${namespace}/${pod}`;
    const q = new URLSearchParams();
    if (container) q.set('container', container);
    if (opts.tailLines) q.set('tailLines', String(opts.tailLines));
    const qs = q.toString();
    const r = await this.request('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log${qs ? `?${qs}` : ''}`, what, 'application/json', undefined, 'text/plain, application/json');
    if (r.status >= 200 && r.status < 300) return r.body;
    this.ok(r, what, { verb: 'get', apiVersion: 'v1', kind: 'Pod', namespace, subresource: 'log' });
    return r.body;
  }

  async read(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const what = `get ${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const p = await this.path(apiVersion, kind, namespace, name, what, true).catch((e: unknown) => {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    });
    if (!p) return undefined;
    const r = await this.request('GET', p, what);
    if (r.status === 404) return undefined;
    return this.ok(r, what, { verb: 'get', apiVersion, kind, namespace }) as KubeObject;
  }

  async apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    const { apiVersion = '', kind = '' } = obj;
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    const what = `apply ${kind} ${ns ? `${ns}/` : ''}${name}`;
    const p = await this.path(apiVersion, kind, ns, name, what);
    const q = new URLSearchParams({ fieldManager: opts.fieldManager });
    if (opts.force) q.set('force', 'true');
    if (opts.dryRun) q.set('dryRun', 'All');
    // JSON is valid YAML: the apply content type accepts it unchanged.
    const r = await this.request('PATCH', `${p}?${q}`, what, 'application/apply-patch+yaml', JSON.stringify(obj));
    return this.ok(r, what, { verb: 'patch', apiVersion, kind, namespace: ns }) as KubeObject;
  }

  async remove(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; dryRun?: boolean } = {},
  ): Promise<boolean> {
    const what = `delete ${kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const p = await this.path(apiVersion, kind, namespace, name, what, true).catch((e: unknown) => {
      if (e instanceof KubeError && e.status === 404) return undefined;
      throw e;
    });
    if (!p) return false;
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: opts.propagationPolicy ?? 'Background', ...(opts.dryRun ? { dryRun: ['All'] } : {}) };
    const r = await this.request('DELETE', p, what, 'application/json', JSON.stringify(body));
    if (r.status === 404) return false;
    this.ok(r, what, { verb: 'delete', apiVersion, kind, namespace });
    return true;
  }

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    if (apiVersion === 'v1' && CORE[kind]) return CORE[kind];
    let p = this.discovery.get(apiVersion);
    if (!p) {
      p = (async () => {
        const what = `discover ${apiVersion}`;
        const r = await this.request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`, what);
        if (r.status === 404) return undefined;
        // Some servers answer 503 for an aggregated group that is down: the same as not served.
        const list = this.ok(r, what, { verb: 'get', apiVersion, kind: 'APIResourceList' }) as { resources?: { name: string; kind: string; namespaced: boolean }[] };
        // Without its resources it is no discovery answer, and every kind would read as not served.
        if (!Array.isArray(list.resources)) throw new KubeError(`${what}: the server ${this.server} answered without the resources it serves; not a Kubernetes API discovery answer`, undefined, 'data');
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
    const what = 'get server version';
    const v = this.ok(await this.request('GET', '/version', what), what, { verb: 'get', apiVersion: 'v1', kind: 'version' }) as Partial<ServerVersion>;
    return { major: String(v.major ?? ''), minor: String(v.minor ?? ''), gitVersion: String(v.gitVersion ?? '') };
  }

  async canI(q: AccessQuestion): Promise<AccessAnswer> {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: q.verb, group: q.group, resource: q.resource, ...(q.namespace ? { namespace: q.namespace } : {}) } },
    };
    const what = `access review ${q.verb} ${q.resource}`;
    const r = await this.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', what, 'application/json', JSON.stringify(review));
    const res = this.ok(r, what, { verb: 'create', apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview' }) as { status?: { allowed?: boolean; reason?: string; evaluationError?: string } };
    const reason = res.status?.reason || res.status?.evaluationError;
    return { allowed: res.status?.allowed === true, ...(reason ? { reason } : {}) };
  }

  /**
   * A local TCP server on 127.0.0.1:<random>; each accepted connection is forwarded to the pod
   * port as kubectl does it (WebSocket first, SPDY when the server refuses the WebSocket upgrade,
   * e.g. when RBAC grants `create pods/portforward` alone).
   */
  async portForward(namespace: string, pod: string, port: number): Promise<PortForwardSession> {
    // One port-forward per pod port for the whole command: `version` asks each istiod for
    // /version and then /debug/syncz, and opened two. A closed handle keeps the session a moment
    // for the next caller (it never keeps the process alive).
    const key = `${namespace}/${pod}:${port}`;
    let shared = this.forwards.get(key);
    if (!shared) {
      const session = this.openForward(namespace, pod, port);
      shared = { session, refs: 0 };
      this.forwards.set(key, shared);
      session.catch(() => this.forwards.delete(key));
    }
    const entry = shared;
    entry.refs++;
    if (entry.linger) clearTimeout(entry.linger);
    entry.linger = undefined;
    const s = await entry.session;
    let closed = false;
    return {
      localPort: s.localPort,
      ...(s.lastError ? { lastError: () => s.lastError!() } : {}),
      ...(s.lastFailure ? { lastFailure: () => s.lastFailure!() } : {}),
      ...(s.established ? { established: () => s.established!() } : {}),
      close: async () => {
        if (closed) return;
        closed = true;
        if (--entry.refs > 0) return;
        entry.linger = setTimeout(() => {
          if (entry.refs > 0) return;
          this.forwards.delete(key);
          void s.close();
        }, 2000);
        entry.linger.unref();
      },
    };
  }

  private readonly forwards = new Map<string, { session: Promise<PortForwardSession>; refs: number; linger?: NodeJS.Timeout | undefined }>();

  private openForward(namespace: string, pod: string, port: number): Promise<PortForwardSession> {
    return openPortForward({
      server: this.server,
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward`,
      target: `${namespace}/${pod}`,
      namespace,
      port,
      timeoutMs: this.timeoutMs,
      auth: async () => {
        const a = await this.credentials();
        return { headers: a.headers, tls: a.tls, agent: a.agent };
      },
    });
  }

  private async path(apiVersion: string, kind: string, namespace: string | undefined, name: string | undefined, what: string, list = false): Promise<string> {
    const info = await this.resource(apiVersion, kind);
    if (!info) throw new KubeError(`${what}: the server does not serve ${kind} in ${apiVersion}`, 404);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    // A list without a namespace is cluster-wide; a get/apply/delete defaults to the context's.
    const nsName = info.namespaced ? (list && !name ? namespace : (namespace ?? this.defaultNamespace)) : undefined;
    const ns = nsName ? `/namespaces/${encodeURIComponent(nsName)}` : '';
    return `${base}${ns}/${info.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private ok(r: Response, what: string, access: { verb: string; apiVersion: string; kind: string; namespace?: string | undefined; subresource?: string }): unknown {
    let parsed: unknown;
    try {
      parsed = r.body ? JSON.parse(r.body) : {};
    } catch {
      parsed = undefined;
    }
    if (r.status >= 200 && r.status < 300 && parsed !== undefined) return parsed;
    if (r.status >= 200 && r.status < 300) throw new KubeError(`${what}: the API server answered with something that is not JSON`, r.status, 'data');
    const status = parsed as { message?: unknown } | undefined;
    if (typeof status?.message !== 'string') {
      // No Kubernetes Status (a proxy's text, "404 page not found"): say which server answered what.
      throw new KubeError(`${what}: the server ${this.server} answered HTTP ${r.status} with ${describeBody(r.body)}`, r.status, undefined, hintFor(kindForStatus(r.status), access, this.source));
    }
    throw new KubeError(`${what}: ${status.message}`, r.status, undefined, hintFor(kindForStatus(r.status), access, this.source));
  }

  /** Headers, TLS options and agent for the current user, computed once (exec credentials until they expire). */
  private credentials(): Promise<Auth> {
    if (this.auth) {
      const current = this.auth;
      return current.then((a) => (a.expiresAt !== undefined && a.expiresAt <= Date.now() + 10_000 ? this.refresh() : a));
    }
    return this.refresh();
  }

  private refresh(dropExec = false): Promise<Auth> {
    if (dropExec) this.execCredential = undefined;
    const p = this.buildAuth();
    this.auth = p;
    p.catch(() => {
      if (this.auth === p) this.auth = undefined;
    });
    return p;
  }

  private async buildAuth(): Promise<Auth> {
    const user = this.kc.getCurrentUser();
    const cluster = this.kc.getCurrentCluster();
    const opts: https.RequestOptions & { headers: Record<string, string> } = { headers: {} };
    // CA, client certificate and key (files or data), insecure-skip-tls-verify, tls-server-name, impersonation.
    internals(this.kc).applyHTTPSOptions(opts);
    let expiresAt: number | undefined;
    const exec = (user as { exec?: ExecConfig } | null)?.exec;
    if (exec) {
      this.execCredential ??= runExecPlugin(exec, { env: this.env, timeoutMs: this.timeoutMs, server: this.server, ...(cluster?.caData ? { caData: cluster.caData } : {}) });
      let cred: ExecCredential;
      try {
        cred = await this.execCredential;
      } catch (e) {
        this.execCredential = undefined;
        throw e;
      }
      if (cred.token) opts.headers.Authorization = `Bearer ${cred.token}`;
      if (cred.clientCertificateData) opts.cert = cred.clientCertificateData;
      if (cred.clientKeyData) opts.key = cred.clientKeyData;
      if (cred.expirationTimestamp) {
        expiresAt = Date.parse(cred.expirationTimestamp);
        if (Number.isNaN(expiresAt)) expiresAt = undefined;
        // The next credentials() call after expiry runs the plugin again.
        else this.execCredential = expiresAt > Date.now() + 10_000 ? this.execCredential : undefined;
      }
    } else if (user) {
      try {
        // Tokens, token files and auth providers (OIDC with refresh, gcp, azure).
        await internals(this.kc).applyAuthorizationHeader(opts);
      } catch (e) {
        throw new KubeError(`cannot get credentials for user "${user.name}": ${(e as Error).message}`, 401, 'unauthorized', `Check the user "${user.name}" in ${this.source}.`);
      }
    }
    if (user?.username) opts.auth = `${user.username}:${user.password ?? ''}`;
    const tls: https.AgentOptions & { auth?: string } = {
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert } : {}),
      ...(opts.key ? { key: opts.key } : {}),
      ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(opts.servername ? { servername: opts.servername } : {}),
      ...(opts.auth ? { auth: opts.auth } : {}),
    };
    let agent: http.Agent;
    if (cluster?.proxyUrl) {
      // The library's proxy agents (HTTP CONNECT, SOCKS), as client-node does for proxy-url.
      agent = internals(this.kc).createAgent(cluster, { ...tls });
    } else if (this.server.startsWith('http:')) {
      // Plain HTTP (kubectl proxy, or kubectl's localhost:8080 default): nothing to verify.
      agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    } else {
      agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...tls });
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers)) if (typeof v === 'string') headers[k] = v;
    return { headers, agent, tls, ...(expiresAt !== undefined ? { expiresAt } : {}) };
  }

  /**
   * One request to the API server with the current credentials, bounded by --request-timeout
   * from start to the last byte. A 401 with an exec credential fetches a new one and retries
   * once, as kubectl does.
   */
  private async request(method: string, p: string, what: string, contentType = 'application/json', body?: string, accept = 'application/json'): Promise<Response> {
    const auth = await this.credentials();
    let r = await this.send(auth, method, p, what, contentType, body, accept);
    if (r.status === 401 && this.execCredential !== undefined) r = await this.send(await this.refresh(true), method, p, what, contentType, body, accept);
    if (!fromKubernetes(r, p)) {
      throw new NotKubernetesError(`${what}: the server ${this.server} answered HTTP ${r.status} with ${describeBody(r.body)}, not as a Kubernetes API server`, r.status, `Is ${this.server} the Kubernetes API server? It comes from ${this.source}.`);
    }
    return r;
  }

  private send(auth: Auth, method: string, p: string, what: string, contentType: string, body: string | undefined, accept: string): Promise<Response> {
    let url: URL;
    try {
      url = new URL(this.server + p);
    } catch {
      return Promise.reject(new KubeError(`${what}: the server address "${this.server}" in ${this.source} is not a URL`, undefined, 'usage'));
    }
    const mod = url.protocol === 'http:' ? http : https;
    // An explicit Content-Length: some servers and proxies reject chunked bodies on DELETE.
    const headers: Record<string, string | number> = {
      Accept: accept,
      'User-Agent': 'istio-ts',
      ...auth.headers,
      ...(body !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) } : {}),
    };
    return settleOnce<Response>(this.timeoutMs, () => timeoutError(what, this.timeoutMs, url), (settle) => {
      const req = mod.request(url, { method, headers, agent: auth.agent, ...(url.protocol === 'https:' ? auth.tls : auth.tls.auth ? { auth: auth.tls.auth } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => settle.resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => settle.reject(networkError(e, what, url, this.source)));
      });
      req.on('error', (e) => settle.reject(networkError(e, what, url, this.source)));
      if (body !== undefined) req.write(body);
      req.end();
      return req;
    });
  }
}

/**
 * Whether a response can be the Kubernetes API server's: it never answers with an HTML page, and
 * under /api (the core group, which every API server serves) it answers a missing object with a
 * JSON Status, not a bare 404. Anything else is another server on the kubeconfig's address (a web
 * server on localhost:8080, a proxy's error or login page, a wrong path prefix): its 404 must not
 * read as "no such pod" or "none exist", nor its page as the cause. A bare "404 page not found"
 * under /apis is the API server's own answer for a group or CRD it does not serve.
 */
function fromKubernetes(r: Response, p: string): boolean {
  if (r.status >= 200 && r.status < 300) return true;
  const body = r.body.trimStart();
  if (body.startsWith('<')) return false;
  if (r.status === 404 && (p === '/api' || p.startsWith('/api/') || p.startsWith('/api?'))) {
    try {
      return typeof (JSON.parse(body) as { message?: unknown }).message === 'string';
    } catch {
      return false;
    }
  }
  return true;
}

/** A response body in a few words, for an error message. */
function describeBody(body: string): string {
  const b = body.trim();
  if (!b) return 'an empty body';
  if (b.startsWith('<')) return 'an HTML page';
  const one = b.replace(/\s+/g, ' ');
  return `"${one.length > 80 ? `${one.slice(0, 80)}…` : one}"`;
}

/** KubeConfig methods that are public in JavaScript but private in its type declarations. */
interface KubeConfigInternals {
  applyHTTPSOptions(opts: https.RequestOptions): void;
  applyAuthorizationHeader(opts: https.RequestOptions): Promise<void>;
  createAgent(cluster: unknown, agentOptions: https.AgentOptions): http.Agent;
}
const internals = (kc: KubeConfig) => kc as unknown as KubeConfigInternals;

export function timeoutError(what: string, timeoutMs: number, url: URL): KubeError {
  return new KubeError(
    `timed out after ${seconds(timeoutMs)}: ${what} (no answer from the API server at ${url.host})`,
    undefined,
    'timeout',
    'Check that the API server is up and reachable; raise --request-timeout for a slow server (0 waits forever).',
  );
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

export function networkError(e: Error, what: string, url: URL, source: string): KubeError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const host = url.host;
  if (code === 'ECONNREFUSED') {
    // kubectl's wording, so search results for it apply.
    return new KubeError(`${what}: The connection to the server ${host} was refused - did you specify the right host or port?`, undefined, 'unreachable', `The server comes from ${source}.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new KubeError(`${what}: cannot resolve the API server host ${url.hostname}`, undefined, 'unreachable', `Check the server address in ${source}.`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME/.test(code)) {
    return new KubeError(`${what}: TLS verification of ${host} failed: ${e.message}`, undefined, 'unreachable', `Check certificate-authority(-data) in ${source}.`);
  }
  return new KubeError(`${what}: cannot reach the API server at ${host}: ${e.message}`, undefined, 'unreachable', `Check that the cluster is up and the server address in ${source}.`);
}

/** What to do about a refused call: the verb and resource a Role must grant, or the credentials. */
function hintFor(kind: string, access: { verb: string; apiVersion: string; kind: string; namespace?: string | undefined; subresource?: string }, source: string): string | undefined {
  if (kind === 'unauthorized') return `The API server did not accept the credentials (expired or invalid token, wrong client certificate): check the user in ${source}.`;
  if (kind !== 'forbidden') return undefined;
  const group = access.apiVersion.includes('/') ? access.apiVersion.split('/')[0] : '';
  const plural = CORE[access.kind]?.plural ?? `${access.kind.toLowerCase()}s`;
  // "pods/log" would name the pod "log": kubectl takes the subresource as a flag.
  const resource = (group ? `${plural}.${group}` : plural) + (access.subresource ? ` --subresource=${access.subresource}` : '');
  const scope = access.namespace ? ` -n ${access.namespace}` : access.verb === 'list' ? ' -A' : '';
  return `Your RBAC does not allow it; check with: kubectl auth can-i ${access.verb} ${resource}${scope}`;
}

