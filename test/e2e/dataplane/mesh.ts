// A small mesh of real Envoys on the loopback harness (test/harness/dataplane.sh): workloads are
// injected Deployments on the loopback node kwok-dp-0 (each pod IP a distinct 127.<n>.0.x address),
// opted out of the fake sidecar (label istio-ts.dev/proxy=real); each runs a real pilot-agent +
// upstream Envoy with interception NONE, a Sidecar binding its pod IP, and, for servers, a loopback
// app server behind the Sidecar's ingress defaultEndpoint. A ServiceEntry with the Service's own
// host and a workloadSelector gives istiod the endpoints (the controller-manager refuses loopback
// addresses in EndpointSlices). Requests come from the bounded driver, to loopback only.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseSyncz } from '../../../src/diagnose/capture.js';
import type { SyncEntry } from '../../../src/diagnose/model.js';
import { apply, createNamespace, harnessEnv, kubectl, kubectlJSON, waitFor } from '../harness.js';

const execFileP = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const dataplaneScript = resolve(repo, 'test/harness/dataplane.sh');
export const PORT = 9080;

function dpEnv(): NodeJS.ProcessEnv {
  const h = harnessEnv();
  return { ...process.env, HARNESS_DIR: h.HARNESS_DIR, HARNESS_BIN: h.HARNESS_BIN, KUBECONFIG: h.KUBECONFIG };
}

/** Runs test/harness/dataplane.sh; resolves stdout, rejects with its stderr. `env` adds variables. */
export async function dataplane(args: string[], timeoutMs = 90_000, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await execFileP('bash', [dataplaneScript, ...args], { env: { ...dpEnv(), ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`dataplane.sh ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** A TCP port free on 127.0.0.1 right now (for an app server). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

/** istiod's /debug/syncz on the host (its HTTP debug port, offset like the harness's other ports). */
export async function syncz(): Promise<SyncEntry[]> {
  const dir = harnessEnv().HARNESS_DIR!;
  const off = Number(readFileSync(resolve(dir, 'port-offset'), 'utf8').trim() || '0');
  // node:http, not fetch: with the port offset 2000 this is port 10080, which fetch refuses ("bad port").
  const body = await new Promise<string>((done, fail) => {
    const req = httpGet({ host: '127.0.0.1', port: 8080 + off, path: '/debug/syncz', timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => (res.statusCode === 200 ? done(text) : fail(new Error(`istiod /debug/syncz answered ${res.statusCode}`))));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error('istiod /debug/syncz timed out after 10s')));
    req.on('error', fail);
  });
  return parseSyncz(body);
}

export interface DriveResult {
  sent: number;
  codes: Record<string, number>;
  errors: Record<string, number>;
  ms: number;
}

export interface Workload {
  name: string;
  pod: string;
  ip: string;
  /** "<pod>.<ns>" as istio-ts takes it. */
  ref: string;
  appPort?: number;
  adminPort?: number;
}

const TELEMETRY = resolve(repo, 'test/harness/manifests/dataplane-telemetry.yaml');

/** The mesh-wide Telemetry the real Envoys need (no istio.stats filter; access log on). */
export async function enableDataplaneTelemetry(): Promise<void> {
  await kubectl(['apply', '-f', TELEMETRY]);
}
export async function disableDataplaneTelemetry(): Promise<void> {
  await kubectl(['delete', '-f', TELEMETRY, '--ignore-not-found']).catch(() => undefined);
}

export class Mesh {
  readonly workloads = new Map<string, Workload>();
  private readonly proxies: Workload[] = [];
  private readonly apps = new Set<string>();

  private constructor(readonly ns: string, private readonly cleanupNs: () => Promise<void>) {}

  static async create(prefix: string): Promise<Mesh> {
    const ns = await createNamespace(prefix, { 'istio-injection': 'enabled' });
    return new Mesh(ns.name, ns.cleanup);
  }

  host(service: string): string {
    return `${service}.${this.ns}.svc.cluster.local`;
  }

  /**
   * An injected Deployment of one pod on the loopback node, opted in to the real data plane;
   * resolves once the pod runs with its loopback IP.
   */
  async deploy(name: string, opts: { version?: string; gateway?: boolean; labels?: Record<string, string> } = {}): Promise<Workload> {
    const labels: Record<string, string> = opts.gateway
      ? { app: name, istio: 'ingressgateway', scenario: this.ns, 'istio-ts.dev/proxy': 'real', ...opts.labels }
      : { app: name, version: opts.version ?? 'v1', 'istio-ts.dev/proxy': 'real', ...opts.labels };
    await apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }, this.ns);
    const containers = opts.gateway
      ? [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.31-dev', args: ['proxy', 'router', '--domain', `${this.ns}.svc.cluster.local`], ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 15090, name: 'http-envoy-prom' }] }]
      : [{ name: 'app', image: 'example.invalid/app:1', ports: [{ name: 'http', containerPort: PORT }] }];
    await apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, labels: { app: name } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: {
              labels,
              annotations: opts.gateway ? { 'sidecar.istio.io/inject': 'false' } : { 'sidecar.istio.io/interceptionMode': 'NONE' },
            },
            spec: {
              serviceAccountName: name,
              nodeSelector: { 'kubernetes.io/hostname': 'kwok-dp-0' },
              tolerations: [{ key: 'istio-ts.dev/dataplane', operator: 'Exists', effect: 'NoSchedule' }],
              containers,
            },
          },
        },
      },
      this.ns,
    );
    const pod = await waitFor(`pod of ${name} running on kwok-dp-0`, async () => {
      const list = await kubectlJSON(['get', 'pods', '-n', this.ns, '-l', `app=${name}`]);
      const p = list.items.find((x: any) => x.status?.phase === 'Running' && String(x.status?.podIP ?? '').startsWith('127.') && !x.metadata.deletionTimestamp);
      return p;
    }, 90_000);
    const w: Workload = { name, pod: pod.metadata.name, ip: pod.status.podIP, ref: `${pod.metadata.name}.${this.ns}` };
    this.workloads.set(name, w);
    return w;
  }

  /** A server: Deployment, Service + ServiceEntry (same host), a Sidecar binding its pod IP. */
  async server(name: string, opts: { version?: string } = {}): Promise<Workload> {
    const w = await this.deploy(name, opts);
    w.appPort = await freePort();
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ name: 'http', port: PORT, targetPort: PORT }] } }, this.ns);
    await apply(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name },
        spec: {
          hosts: [this.host(name)],
          location: 'MESH_INTERNAL',
          resolution: 'STATIC',
          ports: [{ number: PORT, name: 'http', protocol: 'HTTP', targetPort: PORT }],
          workloadSelector: { labels: { app: name } },
        },
      },
      this.ns,
    );
    // The server's own egress needs an address other than its pod IP (the ingress listener binds
    // <pod IP>:9080): 127.<n>.1.<same last octet> (pod IPs are 127.<n>.0.x, see node-dataplane.yaml).
    const egressIp = w.ip.replace(/^(127\.\d+)\.0\./, '$1.1.');
    await apply(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name },
        spec: {
          workloadSelector: { labels: { app: name } },
          ingress: [{ port: { number: PORT, protocol: 'HTTP', name: 'http' }, bind: w.ip, defaultEndpoint: `127.0.0.1:${w.appPort}` }],
          egress: [{ port: { number: PORT, protocol: 'HTTP', name: 'http' }, bind: egressIp, hosts: ['./*'] }],
        },
      },
      this.ns,
    );
    return w;
  }

  /** A client: Deployment and a Sidecar whose egress listener binds its pod IP. */
  async client(name: string): Promise<Workload> {
    const w = await this.deploy(name);
    await apply(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name },
        spec: {
          workloadSelector: { labels: { app: name } },
          egress: [{ port: { number: PORT, protocol: 'HTTP', name: 'http' }, bind: w.ip, hosts: ['./*'] }],
        },
      },
      this.ns,
    );
    return w;
  }

  /** An ingress gateway pod (`proxy router`), named istio-ingressgateway, with its Service. */
  async gateway(): Promise<Workload> {
    const w = await this.deploy('istio-ingressgateway', { gateway: true });
    await apply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'istio-ingressgateway' },
        spec: { selector: { app: 'istio-ingressgateway' }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
      },
      this.ns,
    );
    return w;
  }

  /** `first`: the mode holds for the first N requests of each path only, later ones get 200 (app.mjs). */
  async appUp(w: Workload, mode: 'ok' | '500' | 'reset' | 'slow' | 'flaky' | 'echo', delayMs = 0, first = 0): Promise<void> {
    const id = `${this.ns}_${w.name}`;
    await dataplane(['app-up', id, String(w.appPort), mode, String(delayMs), String(first)]);
    this.apps.add(id);
  }

  /**
   * The requests the workload's app received, "<mode> <METHOD> <path>" each (app.mjs logs one line
   * per request; in mode echo one per ended connection: "echo TCP bytes=<n>").
   */
  appRequests(w: Workload): string[] {
    const f = resolve(harnessEnv().HARNESS_DIR!, 'dataplane', 'apps', `${this.ns}_${w.name}.log`);
    return readFileSync(f, 'utf8')
      .split('\n')
      .map((l) => / \S+ (\S+ [A-Z]+ \S+)$/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined);
  }

  async appDown(w: Workload): Promise<void> {
    await dataplane(['app-down', `${this.ns}_${w.name}`]);
  }

  /** pilot-agent + Envoy for the workload's pod; resolves when Envoy is LIVE. */
  async proxyUp(w: Workload): Promise<void> {
    const out = await dataplane(['proxy-up', this.ns, w.pod], 120_000);
    w.adminPort = Number(out.trim().split('\n').pop());
    this.proxies.push(w);
  }

  async proxyDown(w: Workload): Promise<void> {
    await dataplane(['proxy-down', this.ns, w.pod]);
  }

  /**
   * Waits until istiod has every listed proxy ACKing CDS, LDS, EDS, RDS (and none NACKing).
   * `types`: what must be ACKed (a proxy with only TCP listeners gets no RDS).
   */
  async synced(ws: Workload[], timeoutMs = 60_000, types: string[] = XDS_TYPES): Promise<void> {
    await waitFor(`istiod: ${ws.map((w) => w.ref).join(', ')} synced`, async () => {
      const entries = await syncz();
      return ws.every((w) => {
        const e = entries.find((x) => x.proxy === w.ref);
        return e && proxyAcked(e, types);
      });
    }, timeoutMs, 500);
  }

  /**
   * Waits until the proxies have nothing warming (an ACKed listener still waits for its routes and
   * certificates before it accepts connections), each server's inbound listener <pod IP>_9080 is
   * active, and each caller's cluster for the server's host lists the server's pod IP (EDS).
   */
  async ready(ws: Workload[], routes: { from: Workload; to: Workload }[] = [], timeoutMs = 60_000): Promise<void> {
    for (const w of ws) {
      await waitFor(`${w.ref}: no listener or cluster warming`, async () => {
        const stats = await this.admin(w, `stats?filter=${encodeURIComponent('^(listener_manager|cluster_manager)\\.(total_listeners_warming|warming_clusters|total_listeners_active)$')}`);
        const v = (k: string) => Number(new RegExp(`^${k.replace(/\./g, '\\.')}: (\\d+)$`, 'm').exec(stats)?.[1] ?? NaN);
        return v('listener_manager.total_listeners_warming') === 0 && v('cluster_manager.warming_clusters') === 0 && v('listener_manager.total_listeners_active') >= 3;
      }, timeoutMs, 300);
      if (w.appPort !== undefined) {
        await waitFor(`${w.ref}: inbound listener ${w.ip}_${PORT} active`, async () => (await this.admin(w, 'listeners')).includes(`${w.ip}_${PORT}::`), timeoutMs, 300);
      }
    }
    for (const r of routes) {
      const cluster = `outbound|${PORT}||${this.host(r.to.name)}`;
      await waitFor(`${r.from.ref}: ${cluster} has ${r.to.ip}`, async () => (await this.admin(r.from, 'clusters')).includes(`${cluster}::${r.to.ip}:${PORT}::`), timeoutMs, 300);
    }
  }

  /**
   * Requests (GET unless `method`) through a workload's listener (client sidecar or gateway),
   * bounded in count and time. `headers` travel in the environment, never on a command line.
   */
  async drive(via: Workload, opts: { host: string; path?: string; port?: number; count?: number; concurrency?: number; timeoutMs?: number; method?: string; headers?: Record<string, string> }): Promise<DriveResult> {
    const args = [
      'drive',
      '--url', `http://${via.ip}:${opts.port ?? PORT}${opts.path ?? '/'}`,
      '--host', opts.host,
      '--count', String(opts.count ?? 5),
      '--concurrency', String(opts.concurrency ?? 1),
      '--timeout-ms', String(opts.timeoutMs ?? 5000),
      '--deadline-ms', '60000',
      ...(opts.method ? ['--method', opts.method] : []),
    ];
    const env: Record<string, string> = opts.headers ? { DRIVE_HEADERS: JSON.stringify(opts.headers) } : {};
    return JSON.parse(await dataplane(args, 90_000, env)) as DriveResult;
  }

  /** Access-log lines (Envoy's default TEXT format, `[<time>] "…`) the workload's Envoy has written. */
  accessLogLines(w: Workload): string[] {
    const raw = resolve(harnessEnv().HARNESS_DIR!, 'dataplane', `${this.ns}_${w.pod}`, 'raw.log');
    return readFileSync(raw, 'utf8').split('\n').filter((l) => /^\[\d{4}-\d\d-\d\dT/.test(l));
  }

  /** Waits until Envoy has flushed at least `count` access-log lines (it flushes once a second). */
  async flushed(w: Workload, count: number, timeoutMs = 15_000): Promise<void> {
    await waitFor(`${w.ref}: ${count} access-log lines written`, async () => this.accessLogLines(w).length >= count, timeoutMs, 250);
  }

  /**
   * Waits until the workload's Envoy holds the config a test is about to send traffic through:
   * `test` passes on the named listener, cluster or route configuration of its config_dump. istiod's
   * syncz saying "synced" only means the proxy ACKed what istiod last sent, not that istiod had seen
   * the change yet (an apply right before the proxy connected, or istiod busy pushing other suites'
   * namespaces): traffic sent then tests the config before the change. A change that never arrives
   * fails here, naming `what`.
   */
  async configured(w: Workload, what: string, kind: ConfigKind, name: string, test: (config: any) => boolean, timeoutMs = 60_000): Promise<void> {
    await waitFor(`${w.ref}: ${kind.slice(0, -1)} ${name} with ${what}`, async () => {
      const dump = JSON.parse(await this.admin(w, `config_dump?resource=${CONFIG_RESOURCE[kind]}`)) as { configs: any[] };
      const found = dump.configs.map((c) => c.active_state?.listener ?? c.cluster ?? c.route_config).find((c) => c?.name === name);
      return found !== undefined && test(found);
    }, timeoutMs, 300);
  }

  /** The server's inbound listener accepts mTLS only (PeerAuthentication STRICT): no plaintext filter chain. */
  async strict(server: Workload, timeoutMs = 60_000): Promise<void> {
    await this.configured(server, 'mTLS only (STRICT: every filter chain matches transport tls)', 'listeners', `${server.ip}_${PORT}`, (l) =>
      l.filter_chains?.length > 0 && l.filter_chains.every((fc: any) => fc.filter_chain_match?.transport_protocol === 'tls'), timeoutMs);
  }

  /** The server's inbound listener carries the RBAC filter of an AuthorizationPolicy (HTTP: its policy by name; TCP: the network filter). */
  async authorization(server: Workload, policy: string, protocol: 'http' | 'tcp' = 'http', timeoutMs = 60_000): Promise<void> {
    const needle = protocol === 'http' ? `ns[${this.ns}]-policy[${policy}]-` : 'envoy.filters.network.rbac';
    await this.configured(server, `AuthorizationPolicy ${policy} (${needle})`, 'listeners', `${server.ip}_${PORT}`, (l) => JSON.stringify(l).includes(needle), timeoutMs);
  }

  /** The caller's outbound cluster for a service (or one of its subsets) passes `test`. */
  async cluster(from: Workload, service: string, what: string, test: (cluster: any) => boolean, subset = '', timeoutMs = 60_000): Promise<void> {
    await this.configured(from, what, 'clusters', `outbound|${PORT}|${subset}|${this.host(service)}`, test, timeoutMs);
  }

  /** The caller's routes for a service (its virtual host in route configuration 9080) pass `test`. */
  async routes(from: Workload, service: string, what: string, test: (routes: any[]) => boolean, timeoutMs = 60_000): Promise<void> {
    await this.configured(from, what, 'routes', String(PORT), (rc) => {
      const vh = rc.virtual_hosts?.find((v: any) => v.name === `${this.host(service)}:${PORT}`);
      return vh !== undefined && test(vh.routes ?? []);
    }, timeoutMs);
  }

  /** Envoy's admin API of a workload, straight on the host (for waiting on state; istio-ts uses port-forward). */
  async admin(w: Workload, path: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${w.adminPort}/${path}`, { signal: AbortSignal.timeout(10_000) });
    return res.text();
  }

  /** Stops this mesh's proxies and apps (by pid) and deletes its namespace. */
  async cleanup(): Promise<void> {
    for (const w of this.proxies) await dataplane(['proxy-down', this.ns, w.pod]).catch(() => undefined);
    for (const a of this.apps) await dataplane(['app-down', a]).catch(() => undefined);
    await this.cleanupNs();
  }
}

type ConfigKind = 'listeners' | 'clusters' | 'routes';
const CONFIG_RESOURCE: Record<ConfigKind, string> = { listeners: 'dynamic_listeners', clusters: 'dynamic_active_clusters', routes: 'dynamic_route_configs' };

const XDS_TYPES = ['CDS', 'LDS', 'EDS', 'RDS'];

/** True when istiod's syncz entry shows CDS, LDS, EDS and RDS (or `types`) sent and acked, and no NACK. */
export function proxyAcked(e: SyncEntry, types: string[] = XDS_TYPES): boolean {
  return types.every((k) => e.types[k] && e.types[k]!.sent !== '' && e.types[k]!.sent === e.types[k]!.acked) && Object.values(e.types).every((x) => !x.lastError);
}

/** Every NACK istiod records for these proxies: "<proxy> <type>: <error>". */
export async function nacks(refs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of await syncz()) {
    if (!refs.includes(e.proxy)) continue;
    for (const [t, v] of Object.entries(e.types)) if (v.lastError) out.push(`${e.proxy} ${t}: ${v.lastError}`);
  }
  return out;
}
