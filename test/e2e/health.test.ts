// E2E of `istio-ts health` on the loopback harness with a real Prometheus (Debian's, installed by
// scripts/install-prometheus.sh) started here on 127.0.0.1 with our own scrape config: it scrapes
// the real istiod (monitoring port), the fake sidecars' /stats/prometheus (via the KWOK
// PortForward targets), and scripts/health/mesh-exporter.mjs, whose loopback client sidecar →
// server sidecar → app hops carry real requests and count them in Istio's label set.
//
// Scenarios: the first user's control plane (1 istiod replica, PDB allowing 0 disruptions) →
// DEGRADED; a healthy mesh → OK everywhere with evidence (exit 0); a NACKing proxy → sidecars and
// control plane FAIL (the real istiod's pilot_total_xds_rejects); 5xx from the app, UF without a
// destination series, NR at the gateway → the right edge segment (exit 81); no Prometheus → the
// control plane judged, traffic UNKNOWN (exit 83); Prometheus discovered in the cluster and reached
// by port-forward; a stopped proxy (the fake sidecar process stopped) → sidecars FAIL "0 of N",
// seen by --watch as one line per change; --at over a window backfilled with `promtool tsdb
// create-blocks-from openmetrics`; --emit-rules through `promtool check rules`/`test rules`, and
// the emitted alert firing in the live Prometheus.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apply, createNamespace, deployment, harnessEnv, istioTs, kubectl, kubectlJSON, runningPods, service, waitFor, type CliRun } from './harness.js';
import { disableDataplaneTelemetry, enableDataplaneTelemetry, Mesh, nacks, PORT, type Workload } from './dataplane/mesh.js';
// @ts-expect-error plain ESM script without types
import { drive, Registry, startEdge, startExporter } from '../../scripts/health/mesh-exporter.mjs';

const execFileP = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const WINDOW = '20s';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

interface Prom {
  url: string;
  proc: ChildProcess;
  stop: () => Promise<void>;
}

/** Our own Prometheus on 127.0.0.1 (never the Debian service). */
async function startPrometheus(dir: string, config: string): Promise<Prom> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const log = openSync(join(dir, 'prometheus.log'), 'a');
  const proc = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', log, log] });
  closeSync(log);
  // Whatever happens to this worker (a killed run, a hook timeout), the Prometheus goes with it.
  const reap = () => proc.kill('SIGKILL');
  process.once('exit', reap);
  proc.once('exit', () => process.off('exit', reap));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('prometheus ready', async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok, 60_000);
  return {
    url,
    proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

async function promQuery(url: string, q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: q })}`, { signal: AbortSignal.timeout(5000) });
  return ((await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
}

/** The fake sidecars' admin servers, as Prometheus file_sd targets (their KWOK PortForward targets). */
async function sidecarTargets(): Promise<object[]> {
  const list = await kubectlJSON(['get', 'portforwards.kwok.x-k8s.io', '-A', '-l', 'app.kubernetes.io/managed-by=istio-ts-fake-sidecar']);
  return list.items.map((pf: any) => ({ targets: [`${pf.spec.forwards[0].target.address}:${pf.spec.forwards[0].target.port}`], labels: { namespace: pf.metadata.namespace, pod: pf.metadata.name } }));
}

function json(r: CliRun): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}
const verdicts = (j: any) => j.segments.map((s: any) => `${s.kind}=${s.verdict}`);
const checkOf = (j: any, id: string, scope?: string) => j.segments.filter((s: any) => !scope || s.scope === scope).flatMap((s: any) => s.checks).find((c: any) => c.id === id);

describe('istio-ts health on a live mesh with a real Prometheus', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'e2e-health-'));
  let prom: Prom;
  let exporter: { port: number; close: () => Promise<void> };
  const edges: { close: () => Promise<unknown> }[] = [];
  const drivers: { stop: () => void }[] = [];
  const ns: Record<string, { name: string; cleanup: () => Promise<void> }> = {};
  let scaled = false;
  let pdb = false;

  /** Two injected deployments (web, cart) with services, and an edge web → cart in a scenario. */
  async function scenarioNamespace(key: string, scenario: string, reg: any, opts: { gateway?: boolean; protocol?: 'tcp' } = {}): Promise<void> {
    const n = await createNamespace(`e2e-health-${key}`, { 'istio-injection': 'enabled' });
    ns[key] = n;
    await apply(service('cart'), n.name);
    await apply(deployment('cart'), n.name);
    if (opts.gateway) {
      await apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istio-ingressgateway' }, spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, template: { metadata: { labels: { istio: 'ingressgateway', 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: 'istio-proxy', image: 'example.invalid/proxyv2:1', args: ['proxy', 'router'] }] } } } }, n.name);
    } else {
      await apply(service('web'), n.name);
      await apply(deployment('web'), n.name);
    }
    const edge = await startEdge(reg, { protocol: opts.protocol ?? 'http', scenario, source: opts.gateway ? { workload: 'istio-ingressgateway', namespace: n.name } : { workload: 'web', namespace: n.name }, destination: { service: 'cart', workload: 'cart', namespace: n.name } });
    edges.push(edge);
    drivers.push(drive(edge, { rps: 10, max: 3000 }));
  }

  beforeAll(async () => {
    await execFileP('bash', [join(repo, 'scripts/install-prometheus.sh')], { timeout: 600_000 });
    const reg = new Registry();
    await scenarioNamespace('ok', 'healthy', reg);
    await scenarioNamespace('app', 'app-5xx', reg);
    await scenarioNamespace('net', 'no-server', reg);
    await scenarioNamespace('gw', 'no-route', reg, { gateway: true });
    // TCP edges: real loopback connections through the hops to an echo app (istio_tcp_* series)
    await scenarioNamespace('tcp', 'healthy', reg, { protocol: 'tcp' });
    await scenarioNamespace('tcpnet', 'no-server', reg, { protocol: 'tcp' });
    for (const k of ['ok', 'app', 'net', 'tcp', 'tcpnet']) await runningPods(ns[k]!.name, 'web', 1);
    await runningPods(ns.gw!.name, 'cart', 1);
    exporter = await startExporter(reg);
    // The emitted rules are loaded into this Prometheus; `for` shortened so the alert fires within the test.
    writeFileSync(join(tmp, 'fast.yaml'), '- id: edge.server-app\n  for: 5s\n- id: edge.tcp-network\n  for: 5s\n');
    const rules = await istioTs(['health', '--emit-rules', '--window', WINDOW, '--rules', join(tmp, 'fast.yaml')]);
    expect(rules.code).toBe(0);
    writeFileSync(join(tmp, 'rules.yaml'), rules.stdout);
    await waitFor('fake sidecar PortForwards', async () => (await sidecarTargets()).length >= 7, 60_000);
    writeFileSync(join(tmp, 'sidecars.json'), JSON.stringify(await sidecarTargets()));
    prom = await startPrometheus(
      tmp,
      [
        'global: {scrape_interval: 1s, evaluation_interval: 1s}',
        `rule_files: [${join(tmp, 'rules.yaml')}]`,
        'scrape_configs:',
        `  - {job_name: istiod, static_configs: [{targets: ["${harnessEnv().HARNESS_ISTIOD_MONITORING}"]}]}`,
        `  - {job_name: mesh-exporter, static_configs: [{targets: ["127.0.0.1:${exporter.port}"]}]}`,
        `  - {job_name: envoy, metrics_path: /stats/prometheus, file_sd_configs: [{files: ["${join(tmp, 'sidecars.json')}"], refresh_interval: 2s}]}`,
        '',
      ].join('\n'),
    );
    await waitFor('istiod and the exporter scraped', async () => (await promQuery(prom.url, 'count(up{job=~"istiod|mesh-exporter"} == 1)'))[0]?.value[1] === '2', 60_000);
  }, 600_000);

  afterAll(async () => {
    for (const d of drivers) d.stop();
    await Promise.all(edges.map((e) => e.close()));
    await exporter?.close();
    await prom?.stop();
    if (scaled) {
      await kubectl(['patch', 'hpa', 'istiod', '-n', 'istio-system', '--type=merge', '-p', '{"spec":{"minReplicas":1}}']).catch(() => undefined);
      await kubectl(['scale', 'deploy', 'istiod', '-n', 'istio-system', '--replicas=1']).catch(() => undefined);
      // The second istiod pod gone (not only terminating) before the next suite counts istiod's pods.
      await waitFor('one istiod pod left in istio-system', async () => (await kubectlJSON(['get', 'pods', '-n', 'istio-system', '-l', 'app=istiod,istio.io/rev=default'])).items.length === 1, 60_000, 1000).catch(() => undefined);
    }
    if (pdb) await kubectl(['delete', 'pdb', 'istiod', '-n', 'istio-system', '--ignore-not-found']).catch(() => undefined);
    await kubectl(['delete', 'namespace', 'monitoring', '--ignore-not-found', '--wait=false']).catch(() => undefined);
    await Promise.all(Object.values(ns).map((n) => n.cleanup()));
    rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  const health = (args: string[], timeoutMs = 120_000) => istioTs(['health', ...args], { timeoutMs });

  it("the first user's control plane (1 istiod replica, PDB allowing 0 disruptions) is DEGRADED, exit 82", async () => {
    // As in the first user's `kubectl get all,pdb,hpa -n istio-system`: istiod's PDB with minAvailable: 1.
    pdb = true;
    await apply({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'istiod', labels: { app: 'istiod' } }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'istiod' } } } }, 'istio-system');
    const r = await waitFor('traffic judged', async () => {
      const x = await health(['-n', ns.ok!.name, '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
      const j = json(x);
      return j.segments.some((s: any) => s.kind === 'server-app' && s.verdict === 'OK') ? x : undefined;
    }, 90_000, 2000);
    const j = json(r);
    expect(checkOf(j, 'cp.istiod-replicas')).toMatchObject({ verdict: 'DEGRADED', message: expect.stringMatching(/deployment\/istiod runs a single replica/) });
    expect(checkOf(j, 'cp.pdb-disruptions')).toMatchObject({ verdict: 'DEGRADED', message: expect.stringMatching(/pdb\/istiod allows 0 disruptions \(minAvailable: 1, 1 healthy of 1\): it blocks every node drain/) });
    expect(j.segments.find((s: any) => s.kind === 'control-plane').verdict).toBe('DEGRADED');
    expect(r.code).toBe(82);
  });

  it('a healthy mesh: OK everywhere with evidence, exit 0; the table shows the edge row', async () => {
    // Two istiod replicas (both KWOK pods reach the host istiod): the PDB now allows a disruption.
    scaled = true;
    await kubectl(['patch', 'hpa', 'istiod', '-n', 'istio-system', '--type=merge', '-p', '{"spec":{"minReplicas":2}}']);
    await kubectl(['scale', 'deploy', 'istiod', '-n', 'istio-system', '--replicas=2']);
    await runningPods('istio-system', 'istiod', 2);
    const r = await waitFor('every segment OK', async () => {
      const x = await health(['-n', ns.ok!.name, '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
      return x.code === 0 ? x : undefined;
    }, 120_000, 2000).catch(async (e) => {
      const x = await health(['-n', ns.ok!.name, '--prometheus', prom.url, '--window', WINDOW]);
      throw new Error(`${(e as Error).message}\n${x.stdout}\n${x.stderr}`);
    });
    const j = json(r);
    expect(j.verdict).toBe('OK');
    expect(verdicts(j)).toEqual(['control-plane=OK', 'sidecars=OK', 'traffic=OK', 'client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=OK']);
    // Evidence from each source: Kubernetes, istiod's syncz, Envoy admin, Prometheus (the real istiod scraped).
    expect(checkOf(j, 'sidecars.connected')).toMatchObject({ verdict: 'OK', message: '2 of 2 injected pods have a proxy connected to istiod', evidence: [{ source: 'istiod', value: '2 of 2' }] });
    expect(checkOf(j, 'sidecars.cert-expiry').evidence[0].source).toBe('envoy');
    expect(checkOf(j, 'cp.istiod-scraped')).toMatchObject({ verdict: 'OK', evidence: [{ source: 'prometheus', read: 'count(istio_build{component="pilot"})' }] });
    expect(checkOf(j, 'cp.xds-rejects').evidence[0].read).toBe(`sum(increase(pilot_total_xds_rejects[${WINDOW}]))`);
    expect(checkOf(j, 'edge.server-app').message).toMatch(/^\d+(\.\d)? requests, none answered 5xx by the app$/);
    const table = await health(['-n', ns.ok!.name, '--prometheus', prom.url, '--window', WINDOW]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`\\nweb\\.${ns.ok!.name} → cart\\.${ns.ok!.name} +OK +OK +OK +OK\\n`));
    // How long one `health -A` takes on the harness (reported, not asserted: speed lives in npm run bench).
    const t0 = Date.now();
    const all = await health(['-A', '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
    const ms = Date.now() - t0;
    const aj = json(all);
    console.log(`[health] health -A: ${ms} ms, ${aj.segments.length} segments, ${aj.segments.reduce((a: number, s: any) => a + s.checks.length, 0)} checks, exit ${all.code}`);
  });

  it('5xx from the app: server-app FAIL on that edge, next diagnose, exit 81; JUnit fails it', async () => {
    const edge = `web.${ns.app!.name} → cart.${ns.app!.name}`;
    const r = await waitFor('server-app FAIL', async () => {
      const x = await health(['-n', ns.app!.name, '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
      return json(x).segments.some((s: any) => s.kind === 'server-app' && s.verdict === 'FAIL') ? x : undefined;
    }, 90_000, 2000);
    const j = json(r);
    expect(r.code).toBe(81);
    expect(j.segments.filter((s: any) => s.scope === edge).map((s: any) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=FAIL']);
    expect(checkOf(j, 'edge.server-app', edge)).toMatchObject({ message: expect.stringMatching(/requests \(100%\) answered 500 by the app$/), next: `istio-ts diagnose deploy/web.${ns.app!.name} cart.${ns.app!.name}` });
    const junit = await health(['-n', ns.app!.name, '--prometheus', prom.url, '--window', WINDOW, '-o', 'junit']);
    expect(junit.code).toBe(81);
    expect(junit.stdout).toMatch(/<testcase classname="server-app\.web\.[^"]+" name="edge\.server-app: [^"]+"><failure type="FAIL"/);
  });

  it('the emitted alert fires in the live Prometheus for the same edge', async () => {
    const alert = await waitFor('IstioTsServerAppErrors firing', async () => {
      const r = await fetch(`${prom.url}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) });
      const alerts = ((await r.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }).data.alerts;
      return alerts.find((a) => a.labels.alertname === 'IstioTsServerAppErrors' && a.state === 'firing' && a.labels.source_workload_namespace === ns.app!.name);
    }, 90_000, 2000);
    expect(alert.labels).toMatchObject({ severity: 'critical', segment: 'server-app', destination_service_name: 'cart' });
  });

  it('UF with no destination series: the network segment, exit 81', async () => {
    const edge = `web.${ns.net!.name} → cart.${ns.net!.name}`;
    const r = await waitFor('network FAIL', async () => {
      const x = await health(['-n', ns.net!.name, '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
      return json(x).segments.some((s: any) => s.kind === 'network' && s.verdict === 'FAIL') ? x : undefined;
    }, 90_000, 2000);
    const j = json(r);
    expect(r.code).toBe(81);
    expect(j.segments.filter((s: any) => s.scope === edge).map((s: any) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=FAIL', 'server-sidecar=UNKNOWN', 'server-app=UNKNOWN']);
    expect(checkOf(j, 'edge.network', edge).message).toMatch(/failed upstream \(UF 503\) and the server side reported none of them \(no destination series\)/);
  });

  it('a healthy TCP edge: OK on every segment from istio_tcp_connections_closed_total, the bytes really echoed', async () => {
    const n = ns.tcp!.name;
    const edge = `web.${n} → cart.${n} (tcp)`;
    const r = await waitFor('TCP edge OK', async () => {
      const x = await health(['-n', n, '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
      return json(x).segments.some((s: any) => s.scope === edge && s.kind === 'server-app' && s.verdict === 'OK') ? x : undefined;
    }, 90_000, 2000);
    const j = json(r);
    expect(j.segments.filter((s: any) => s.scope === edge).map((s: any) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=OK']);
    const app = checkOf(j, 'edge.tcp-server-app', edge);
    expect(app.message).toMatch(/^\d+(\.\d)? connections, none refused by the app port/);
    expect(app.evidence[0]).toMatchObject({ source: 'prometheus', read: expect.stringContaining(`increase(istio_tcp_connections_closed_total[${WINDOW}])`), threshold: expect.stringMatching(/connections$/) });
    expect(checkOf(j, 'edge.tcp-network', edge).evidence[0].read).toContain('istio_tcp_connections_closed_total');
    // The series are Istio's TCP set, counted from real connections: both reporters, bytes echoed back.
    const bytes = async (m: string, reporter: string) => Number((await promQuery(prom.url, `sum(${m}{reporter="${reporter}",destination_service_namespace="${n}",request_protocol="tcp",response_flags="-"})`))[0]?.value[1] ?? 0);
    for (const reporter of ['source', 'destination']) {
      const sent = await bytes('istio_tcp_sent_bytes_total', reporter);
      expect(sent).toBeGreaterThan(0);
      expect(await bytes('istio_tcp_received_bytes_total', reporter)).toBe(sent);
      expect(await bytes('istio_tcp_connections_opened_total', reporter)).toBeGreaterThan(0);
    }
    const dst = await promQuery(prom.url, `istio_tcp_connections_closed_total{reporter="destination",destination_service_namespace="${n}"}`);
    expect(dst[0]!.metric).toMatchObject({ connection_security_policy: 'mutual_tls', destination_workload: 'cart', source_workload: 'web' });
    expect(dst[0]!.metric.response_code).toBeUndefined();
  });

  it('a TCP edge whose server refuses (UF, no destination series): the network segment, exit 81', async () => {
    const n = ns.tcpnet!.name;
    const edge = `web.${n} → cart.${n} (tcp)`;
    const r = await waitFor('TCP network FAIL', async () => {
      const x = await health(['-n', n, '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
      return json(x).segments.some((s: any) => s.scope === edge && s.kind === 'network' && s.verdict === 'FAIL') ? x : undefined;
    }, 90_000, 2000);
    const j = json(r);
    expect(r.code).toBe(81);
    expect(j.segments.filter((s: any) => s.scope === edge).map((s: any) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=FAIL', 'server-sidecar=UNKNOWN', 'server-app=UNKNOWN']);
    const net = checkOf(j, 'edge.tcp-network', edge);
    expect(net.message).toMatch(/connections \(100%\) failed upstream \(UF\) and the server side reported none of them \(no destination series\)/);
    expect(net.evidence[0].read).toContain('istio_tcp_connections_closed_total');
    expect(net.next).toBe(`istio-ts diagnose deploy/web.${n} cart.${n}`);
    expect(await promQuery(prom.url, `istio_tcp_connections_closed_total{reporter="destination",destination_service_namespace="${n}"}`)).toEqual([]);
    const src = await promQuery(prom.url, `istio_tcp_connections_closed_total{reporter="source",destination_service_namespace="${n}"}`);
    expect(src.map((s) => s.metric.response_flags)).toEqual(['UF']);
    expect(src[0]!.metric).toMatchObject({ destination_workload: 'unknown', connection_security_policy: 'unknown', request_protocol: 'tcp' });
    // The emitted TCP rule (the same catalog entry) fires for this edge in the live Prometheus, and for no other.
    const alerts = await waitFor('IstioTsTcpNetworkErrors firing', async () => {
      const res = await fetch(`${prom.url}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) });
      const all = ((await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }).data.alerts.filter((a) => a.labels.alertname?.startsWith('IstioTsTcp'));
      return all.some((a) => a.labels.alertname === 'IstioTsTcpNetworkErrors' && a.state === 'firing' && a.labels.source_workload_namespace === n) ? all : undefined;
    }, 90_000, 2000);
    expect(alerts.map((a) => `${a.labels.alertname} ${a.labels.source_workload}.${a.labels.source_workload_namespace} → ${a.labels.destination_service_name}`)).toEqual([`IstioTsTcpNetworkErrors web.${n} → cart`]);
    expect(alerts[0]!.labels).toMatchObject({ severity: 'critical', segment: 'network', istio_ts_rule: 'edge.tcp-network' });
  });

  it('NR at the gateway: the gateway segment, exit 81', async () => {
    const gw = ns.gw!.name;
    const edge = `istio-ingressgateway.${gw} → cart.${gw}.svc.cluster.local`;
    const r = await waitFor('gateway FAIL', async () => {
      const x = await health(['-n', gw, '--prometheus', prom.url, '--window', WINDOW, '-o', 'json']);
      return json(x).segments.some((s: any) => s.kind === 'gateway' && s.verdict === 'FAIL') ? x : undefined;
    }, 90_000, 2000);
    const j = json(r);
    expect(r.code).toBe(81);
    expect(checkOf(j, 'edge.gateway', edge)).toMatchObject({ verdict: 'FAIL', message: expect.stringMatching(/answered by the gateway itself \(NR 404\)$/), next: `istio-ts diagnose ingress cart.${gw}.svc.cluster.local --via istio-ingressgateway.${gw}` });
    // The gateway pod is a router proxy connected to istiod like the sidecars.
    expect(checkOf(j, 'sidecars.connected')).toMatchObject({ verdict: 'OK', message: '2 of 2 injected pods have a proxy connected to istiod' });
  });

  it('no Prometheus: the control plane is judged, traffic UNKNOWN, exit 83', async () => {
    const none = await health(['-n', ns.ok!.name, '-o', 'json']);
    const j = json(none);
    expect(none.code).toBe(83);
    expect(verdicts(j)).toEqual(['control-plane=OK', 'sidecars=OK', 'traffic=UNKNOWN']);
    expect(j.prometheus.error).toBe('no --prometheus, and no prometheus Service with a ready pod in istio-system, monitoring, prometheus, observability');
    const dead = await health(['-n', ns.ok!.name, '--prometheus', `http://127.0.0.1:${await freePort()}`, '--timeout', '5s', '-o', 'json']);
    expect(dead.code).toBe(83);
    expect(json(dead).segments.find((s: any) => s.kind === 'traffic').checks[0].message).toMatch(/^Prometheus http:\/\/127\.0\.0\.1:\d+: unreachable: .*: traffic edges, push\/reject history are not judged$/);
  });

  it('Prometheus found in the cluster (svc/prometheus in monitoring) and reached by port-forward', async () => {
    // Discovery looks for a namespace named exactly "monitoring" (createNamespace adds a suffix).
    await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
    await waitFor('serviceaccount default in monitoring', () => kubectl(['get', 'serviceaccount', 'default', '-n', 'monitoring']).then(() => true), 60_000);
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus' }, spec: { selector: { app: 'prometheus' }, ports: [{ name: 'http', port: 9090, targetPort: 9090 }] } }, 'monitoring');
    await apply(deployment('prometheus', { port: 9090 }), 'monitoring');
    const [p] = await runningPods('monitoring', 'prometheus', 1);
    const port = Number(new URL(prom.url).port);
    await apply({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'PortForward', metadata: { name: p.metadata.name, namespace: 'monitoring' }, spec: { forwards: [{ ports: [9090], target: { address: '127.0.0.1', port } }] } });
    const r = await waitFor('discovered Prometheus judges the edge', async () => {
      const x = await health(['-n', ns.app!.name, '--window', WINDOW, '-o', 'json']);
      return json(x).prometheus.how === 'discovered' && json(x).segments.some((s: any) => s.kind === 'server-app') ? x : undefined;
    }, 60_000, 2000);
    const j = json(r);
    expect(j.prometheus.url).toBe(`svc/prometheus.monitoring (port-forward to ${p.metadata.name}:9090)`);
    expect(r.code).toBe(81);
  });

  it('a NACKing proxy: sidecars FAIL with the rejected type, control plane FAIL from the real istiod\'s reject counter', async () => {
    const n = await createNamespace('e2e-health-nack', { 'istio-injection': 'enabled' });
    ns.nack = n;
    await apply(deployment('web', { annotations: { 'fake-sidecar.istio-ts.dev/nack': 'LDS' } }), n.name);
    await runningPods(n.name, 'web', 1);
    // Every config change makes istiod push LDS again, and the proxy NACK it again: a Service per poll
    // keeps pilot_total_xds_rejects increasing (increase() cannot count a counter's first sample).
    let poke = 0;
    const r = await waitFor('NACK seen by syncz and by Prometheus', async () => {
      await apply(service(`poke-${poke++}`), n.name);
      const x = await health(['-n', n.name, '--prometheus', prom.url, '--window', '1m', '-o', 'json']);
      const j = json(x);
      return checkOf(j, 'sidecars.rejected')?.verdict === 'FAIL' && checkOf(j, 'cp.xds-rejects')?.verdict === 'FAIL' ? x : undefined;
    }, 120_000, 2000);
    const j = json(r);
    expect(r.code).toBe(81);
    expect(checkOf(j, 'sidecars.rejected')).toMatchObject({ message: expect.stringMatching(new RegExp(`^1 of 1 proxies rejected config \\(NACK\\): web-[a-z0-9-]+\\.${n.name} LDS: fake-sidecar: LDS rejected on demand`)), next: `istio-ts proxy-status -n ${n.name}` });
    expect(checkOf(j, 'cp.xds-rejects')).toMatchObject({ evidence: [{ source: 'prometheus', read: 'sum(increase(pilot_total_xds_rejects[1m]))' }] });
    await n.cleanup();
    delete ns.nack;
  });

  it('a stopped proxy: --watch (piped) prints one line per change, sidecars OK -> FAIL "0 of 2" and back', async () => {
    const env = harnessEnv();
    const run = env.HARNESS_DIR!;
    const args = ['health', '-n', ns.ok!.name, '--prometheus', prom.url, '--window', WINDOW, '--watch', '2s'];
    const child = spawn(process.execPath, [join(repo, 'bin/istio-ts.js'), ...args], { env: { ...process.env, KUBECONFIG: env.KUBECONFIG, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    try {
      await waitFor('first pass', async () => out.includes('sidecars: OK'), 60_000);
      // Stop this harness's fake sidecar (every proxy disconnects from istiod), then start it again as the harness does.
      const pid = Number(readFileSync(join(run, 'fake-sidecar.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      await waitFor('fake sidecar gone', async () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 30_000);
      await waitFor('watch saw the proxies stop', async () => /sidecars: OK -> FAIL \(0 of 2 injected pods have a proxy connected to istiod; not connected: /.test(out), 60_000);
      const log = openSync(join(run, 'fake-sidecar.log'), 'a');
      const sc = spawn(join(env.HARNESS_BIN!, 'fake-sidecar'), ['--kubeconfig', env.KUBECONFIG!, '--xds-address', env.HARNESS_ISTIOD_XDS!, '--state-dir', join(run, 'proxies')], { detached: true, stdio: ['ignore', log, log] });
      closeSync(log);
      writeFileSync(join(run, 'fake-sidecar.pid'), String(sc.pid));
      sc.unref();
      await waitFor('watch saw the proxies back', async () => /sidecars: FAIL -> OK/.test(out), 90_000);
      expect(child.exitCode).toBeNull(); // still watching
    } finally {
      child.kill('SIGTERM');
    }
    const lines = out.trim().split('\n');
    // First pass: one line per segment; afterwards only changes.
    expect(lines.filter((l) => / sidecars: /.test(l)).map((l) => l.replace(/^\S+ sidecars: /, '').replace(/ \(.*$/, ''))).toEqual(['OK', 'OK -> FAIL', 'FAIL -> OK']);
    expect(lines.every((l) => /^\d{4}-\d\d-\d\dT\S+Z \S+/.test(l))).toBe(true);
  });

  it('--at over a backfilled past window (promtool tsdb create-blocks-from openmetrics)', async () => {
    // 40 minutes of a mesh, two hours ago: healthy, then 10 minutes of 5xx from the app.
    const end = Math.floor(Date.now() / 1000 / 60) * 60 - 2 * 3600;
    const start = end - 40 * 60;
    const incident = [end - 20 * 60, end - 10 * 60];
    const edge = (reporter: string, code: string) => `{reporter="${reporter}",source_workload="web",source_workload_namespace="past",destination_service="cart.past.svc.cluster.local",destination_service_name="cart",destination_service_namespace="past",response_code="${code}",response_flags="-"}`;
    const lines: string[] = ['# TYPE istio_requests_total counter'];
    const series: [string, (t: number) => number][] = [];
    for (const rep of ['source', 'destination']) {
      series.push([`istio_requests_total${edge(rep, '200')}`, (t) => (t - start) * 10]);
      series.push([`istio_requests_total${edge(rep, '500')}`, (t) => Math.max(0, Math.min(t, incident[1]!) - incident[0]!) * 5]);
    }
    for (const [name, f] of series) for (let t = start; t <= end; t += 15) lines.push(`${name} ${f(t)} ${t}`);
    const gauges: [string, string, (t: number) => number][] = [
      ['istio_build', 'istio_build{component="pilot",tag="1.16.7"}', () => 1],
      ['envoy_control_plane_connected_state', 'envoy_control_plane_connected_state{pod="web-1"}', () => 1],
      ['istio_agent_cert_expiry_seconds', 'istio_agent_cert_expiry_seconds{pod="web-1"}', () => 80000],
      ['citadel_server_root_cert_expiry_timestamp', 'citadel_server_root_cert_expiry_timestamp', () => end + 300 * 86400],
    ];
    for (const [fam, name, f] of gauges) {
      lines.push(`# TYPE ${fam} gauge`);
      for (let t = start; t <= end; t += 15) lines.push(`${name} ${f(t)} ${t}`);
    }
    lines.push('# EOF');
    const dir = join(tmp, 'past');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'past.om'), lines.join('\n') + '\n');
    await execFileP('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'past.om'), join(dir, 'data')], { timeout: 120_000 });
    const past = await startPrometheus(dir, 'global: {scrape_interval: 1m}\nscrape_configs: []\n');
    try {
      const during = await health(['-n', 'past', '--prometheus', past.url, '--at', new Date((incident[1]! - 60) * 1000).toISOString(), '--window', '5m', '-o', 'json']);
      const dj = json(during);
      expect(dj).toMatchObject({ historical: true, at: new Date((incident[1]! - 60) * 1000).toISOString() });
      expect(dj.segments.filter((s: any) => s.scope === 'web.past → cart.past').map((s: any) => `${s.kind}=${s.verdict}`)).toEqual(['client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=FAIL']);
      expect(checkOf(dj, 'edge.server-app').message).toMatch(/ \(33\.3%\) answered 500 by the app$/);
      expect(during.code).toBe(81);
      const before = await health(['-n', 'past', '--prometheus', past.url, '--at', String(incident[0]! - 120), '--window', '5m', '-o', 'json']);
      const bj = json(before);
      expect(verdicts(bj)).toEqual(['control-plane=OK', 'sidecars=OK', 'traffic=OK', 'client-sidecar=OK', 'network=OK', 'server-sidecar=OK', 'server-app=OK']);
      expect(before.code).toBe(0);
      // Kubernetes and istiod describe now: with --at only Prometheus history is judged.
      expect(bj.segments.flatMap((s: any) => s.checks).every((c: any) => c.evidence.every((e: any) => e.source === 'prometheus'))).toBe(true);
    } finally {
      await past.stop();
    }
  });

  it('--emit-rules passes promtool check rules, and promtool test rules shows each alert firing on its scenario', async () => {
    const dir = join(tmp, 'rules');
    mkdirSync(dir, { recursive: true });
    const r = await health(['--emit-rules']);
    expect(r.code).toBe(0);
    writeFileSync(join(dir, 'rules.yaml'), r.stdout);
    copyFileSync(join(repo, 'fixtures/health/rules.test.yaml'), join(dir, 'rules.test.yaml'));
    const check = await execFileP('promtool', ['check', 'rules', join(dir, 'rules.yaml')]);
    expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
    const test = await execFileP('promtool', ['test', 'rules', join(dir, 'rules.test.yaml')]);
    expect(test.stdout).toMatch(/SUCCESS/);
    // The PrometheusRule carries the same groups.
    const op = await health(['--emit-rules', '--format', 'prometheus-operator']);
    const doc = parse(op.stdout);
    expect(doc.kind).toBe('PrometheusRule');
    writeFileSync(join(dir, 'op.yaml'), JSON.stringify({ groups: doc.spec.groups }));
    expect((await execFileP('promtool', ['check', 'rules', join(dir, 'op.yaml')])).stdout).toMatch(/SUCCESS/);
  });
});

// The same questions on real proxies: pilot-agent + upstream Envoy of the data plane harness
// (test/harness/dataplane.sh), with the real Prometheus scraping each Envoy's /stats/prometheus.
// Upstream Envoy has no istio.stats filter, so there is no istio_requests_total here: traffic is
// UNKNOWN and said so; the sidecar and control-plane verdicts come from real Envoys.
describe('istio-ts health on real Envoys', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'e2e-health-real-'));
  let m: Mesh;
  let client: Workload;
  let server: Workload;
  let prom: Prom;
  const health = (args: string[]) => istioTs(['health', '-n', m.ns, '--prometheus', prom.url, ...args], { timeoutMs: 120_000 });

  beforeAll(async () => {
    await execFileP('bash', [join(repo, 'scripts/install-prometheus.sh')], { timeout: 600_000 });
    await enableDataplaneTelemetry();
    m = await Mesh.create('e2e-health-real');
    client = await m.client('productpage');
    server = await m.server('reviews');
    await m.appUp(server, 'ok');
    await m.proxyUp(server);
    await m.proxyUp(client);
    await m.synced([client, server]);
    await m.ready([client, server], [{ from: client, to: server }]);
    prom = await startPrometheus(
      tmp,
      [
        'global: {scrape_interval: 1s, evaluation_interval: 1s}',
        'scrape_configs:',
        `  - {job_name: istiod, static_configs: [{targets: ["${harnessEnv().HARNESS_ISTIOD_MONITORING}"]}]}`,
        `  - {job_name: envoy, metrics_path: /stats/prometheus, static_configs: [{targets: ["127.0.0.1:${client.adminPort}", "127.0.0.1:${server.adminPort}"]}]}`,
        '',
      ].join('\n'),
    );
    await waitFor('both Envoys scraped', async () => (await promQuery(prom.url, 'count(envoy_cluster_upstream_cx_active{cluster_name="xds-grpc"})'))[0]?.value[1] === '2', 60_000);
  }, 600_000);

  afterAll(async () => {
    await prom?.stop();
    await m?.cleanup();
    await disableDataplaneTelemetry().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it('connected real Envoys: sidecars OK from syncz, their /certs (istiod-signed) and their xds-grpc series; traffic UNKNOWN without istio.stats', async () => {
    const r = await waitFor('sidecars OK', async () => {
      const x = await health(['-o', 'json']);
      return json(x).segments.find((s: any) => s.kind === 'sidecars')?.verdict === 'OK' ? x : undefined;
    }, 90_000, 2000).catch(async (e) => {
      const x = await health([]);
      throw new Error(`${(e as Error).message}\n${x.stdout}\n${x.stderr}`);
    });
    const j = json(r);
    expect(checkOf(j, 'sidecars.connected').message).toBe('2 of 2 injected pods have a proxy connected to istiod');
    expect(checkOf(j, 'sidecars.cert-expiry')).toMatchObject({ verdict: 'OK', message: expect.stringMatching(/^2 workload certificates valid; the first expires in \d+ h$/) });
    // The Envoy series are present, so Prometheus answers for itself (absent would be UNKNOWN, never 0).
    expect(checkOf(j, 'sidecars.xds-disconnected')).toMatchObject({ verdict: 'OK', evidence: [{ source: 'prometheus', value: '0 (none matched)' }] });
    expect(checkOf(j, 'sidecars.rejected').verdict).toBe('OK');
    expect(j.segments.find((s: any) => s.kind === 'traffic').checks[0].message).toMatch(/^no istio_requests_total series for e2e-health-real-\w+ in the last 5m/);
    // The harness runs one istiod replica (DEGRADED), which outranks the traffic UNKNOWN.
    expect(checkOf(j, 'cp.istiod-replicas').verdict).toBe('DEGRADED');
    expect(r.code).toBe(82);
    // How long one `health -A` takes with the real data plane and Prometheus up: the median of 5
    // (reported, not asserted: speed lives in npm run bench).
    const runs: { ms: number; segments: number; code: number | null }[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const all = await istioTs(['health', '-A', '--prometheus', prom.url, '-o', 'json'], { timeoutMs: 120_000 });
      runs.push({ ms: Date.now() - t0, segments: json(all).segments.length, code: all.code });
    }
    const ms = runs.map((x) => x.ms).sort((a, b) => a - b);
    console.log(`[health] health -A on real Envoys, 5 runs: median ${ms[2]} ms (min ${ms[0]}, max ${ms[4]}), ${runs[0]!.segments} segments, exit ${runs[0]!.code}`);
  });

  it('a real Envoy that NACKs (EnvoyFilter with a duplicate virtual host): sidecars FAIL with Envoy\'s own message, control plane FAIL from istiod\'s reject counter', async () => {
    await apply(
      {
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'EnvoyFilter',
        metadata: { name: 'productpage-extra-vhost' },
        spec: {
          workloadSelector: { labels: { app: 'productpage' } },
          configPatches: [{ applyTo: 'VIRTUAL_HOST', match: { context: 'SIDECAR_OUTBOUND', routeConfiguration: { portNumber: PORT } }, patch: { operation: 'ADD', value: { name: 'extra', domains: [m.host('reviews')], routes: [{ match: { prefix: '/' }, direct_response: { status: 200 } }] } } }],
        },
      },
      m.ns,
    );
    await waitFor('istiod records the RDS NACK', async () => (await nacks([client.ref])).some((n) => n.startsWith(`${client.ref} RDS:`)), 60_000, 500);
    let poke = 0;
    let last = '';
    const r = await waitFor('NACK judged', async () => {
      // A config change per poll on the rejected route (port 9080): istiod pushes RDS again and the
      // proxy rejects it again (increase() cannot count a counter's first sample).
      await apply(service(`poke-${poke++}`, PORT), m.ns);
      const x = await health(['--window', '1m', '-o', 'json']);
      const j = json(x);
      last = `${checkOf(j, 'sidecars.rejected')?.message} | ${checkOf(j, 'cp.xds-rejects')?.message}`;
      return checkOf(j, 'sidecars.rejected')?.verdict === 'FAIL' && checkOf(j, 'cp.xds-rejects')?.verdict === 'FAIL' ? x : undefined;
    }, 120_000, 2000).catch((e) => {
      throw new Error(`${(e as Error).message}; last: ${last}`);
    });
    const j = json(r);
    expect(checkOf(j, 'sidecars.rejected').message).toMatch(new RegExp(`^1 of 2 proxies rejected config \\(NACK\\): ${client.ref.replace(/\./g, '\\.')} RDS: .*(duplicate|domain)`, 'i'));
    expect(r.code).toBe(81);
    await kubectl(['delete', 'envoyfilter', 'productpage-extra-vhost', '-n', m.ns]);
  });

  it('a stopped proxy (pilot-agent and Envoy of one pod stopped): sidecars FAIL "1 of 2", naming the pod', async () => {
    await m.proxyDown(server);
    const r = await waitFor('stopped proxy judged', async () => {
      const x = await health(['-o', 'json']);
      return checkOf(json(x), 'sidecars.connected')?.verdict === 'FAIL' ? x : undefined;
    }, 90_000, 2000);
    const j = json(r);
    expect(checkOf(j, 'sidecars.connected')).toMatchObject({ message: `1 of 2 injected pods have a proxy connected to istiod; not connected: ${server.ref}`, next: `istio-ts proxy-status -n ${m.ns}` });
    expect(r.code).toBe(81);
  });
});
