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
import net from 'node:net';
import { KubeError, type KubeClient, type KubeConnectOptions, type KubeObject, type ListOptions, type PortForwardSession } from './types.js';

type K8s = typeof import('@kubernetes/client-node');

export async function connect(opts: KubeConnectOptions): Promise<KubeClient> {
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

class LiveKubeClient implements KubeClient {
  private readonly objects;
  private readonly core;
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

  /**
   * A local TCP server on 127.0.0.1:<random>; each accepted connection gets its own port-forward
   * stream (a WebSocket to the API server) to the pod port. close() ends the sockets and the
   * WebSockets too: an open WebSocket would keep the process alive after the command is done.
   */
  async portForward(namespace: string, pod: string, port: number): Promise<PortForwardSession> {
    const pf = new this.k8s.PortForward(this.kc, true);
    const sockets = new Set<net.Socket>();
    const sockets2ws = new Map<net.Socket, { close(): void }>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
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
        .catch((e: unknown) => socket.destroy(e instanceof Error ? e : new Error(String(e))));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const localPort = typeof address === 'object' && address ? address.port : 0;
    return {
      localPort,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          for (const w of sockets2ws.values()) w.close();
          server.close(() => resolve());
        }),
    };
  }
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
  return new KubeError(`${what}: ${reason}`, typeof status === 'number' ? status : undefined);
}
