// E2E of `capture` and `diagnose` on the loopback harness: real API server objects, istiod's real
// /debug/syncz through a port-forward, and the fake sidecar's Envoy admin (config_dump, clusters,
// stats) and istio-proxy log through port-forward and `logs`.
//
// - A healthy path: ok segments name their evidence; the network has none (the fake sidecar
//   carries no traffic, so no access-log lines or connection counters), and the verdict says
//   "unknown" instead of claiming "none".
// - A DestinationRule subset that selects no pod: client-sidecar.
// - A sidecar that NACKs LDS (the fake sidecar's nack annotation): control-plane.
// - North-south via a gateway (`proxy router`) whose VirtualService host the Gateway does not
//   serve: gateway.
// - An istio-proxy container whose admin API does not answer: that sidecar, after one timeout.
// Each case: `capture -d DIR` then `diagnose --capture DIR` gives the same verdict and evidence
// as live `diagnose`. The written capture carries no Secret data and no private key.
//
// ISTIO_TS_BIN picks the CLI (default: <repo>/bin/istio-ts.js, i.e. the built dist/).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apply, createNamespace, deployment, istioTs, kubectl, parseDiagnosis as parse, pushInFlight, runningPods, service, waitFor, withoutPushInFlight, type CliRun, type DiagnosisJSON as Diagnosis } from './harness.js';





const statuses = (d: Diagnosis) => Object.fromEntries(d.segments.map((s) => [s.name, s.status]));
const segment = (d: Diagnosis, name: string) => d.segments.find((s) => s.name === name)!;
/** Per segment, the evidence ids (summaries carry times and counters that move between runs). */
const shape = (d: Diagnosis) => Object.fromEntries(d.segments.map((s) => [s.name, [...new Set(s.evidence.map((e) => e.id))].sort()]));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

const tmpDirs: string[] = [];
function captureDir(): string {
  const d = mkdtempSync(join(os.tmpdir(), 'istio-ts-e2e-capture-'));
  tmpDirs.push(d);
  return join(d, 'capture');
}

/** frontend → cart (Service port 8080), both injected; `frontend` may carry pod annotations. */
async function shop(prefix: string, frontendAnnotations: Record<string, string> = {}, frontendEnv: { name: string; value: string }[] = []) {
  const ns = await createNamespace(prefix, { 'istio-injection': 'enabled' });
  await apply(service('cart'), ns.name);
  await apply(deployment('cart'), ns.name);
  const frontend = deployment('frontend', { annotations: frontendAnnotations }) as { spec: { template: { spec: { containers: { env?: unknown[] }[] } } } };
  if (frontendEnv.length) frontend.spec.template.spec.containers[0]!.env = frontendEnv;
  await apply(frontend, ns.name);
  const [pod] = await runningPods(ns.name, 'frontend', 1);
  await runningPods(ns.name, 'cart', 1);
  return { ns, client: `${pod.metadata.name as string}.${ns.name}`, to: `cart.${ns.name}:8080` };
}

/**
 * Live diagnose, retried until `ready` holds (istiod pushes as pods come up) in a read taken with no
 * push of istiod's in flight (sync.stale; the capture is compared with this read).
 */
async function liveUntil(from: string, to: string, ready: (d: Diagnosis) => boolean): Promise<{ run: CliRun; d: Diagnosis }> {
  return waitFor(`live diagnose ${from} → ${to}`, async () => {
    const run = await istioTs(['diagnose', from, to, '-o', 'json']);
    const d = parse(run);
    return ready(d) && !pushInFlight(d) ? { run, d } : undefined;
  }, 120_000, 2000);
}

/**
 * capture, then diagnose the capture offline; both as JSON. A capture that read istiod's syncz during
 * a push (other suites' namespaces make istiod push to every proxy at any time) is taken again,
 * bounded; a push that is never acked fails here.
 */
async function roundTrip(from: string, to: string, extra: string[] = []): Promise<{ dir: string; capture: CliRun; offline: CliRun; d: Diagnosis }> {
  const r = await withoutPushInFlight(`capture ${from} → ${to}`, async () => {
    const dir = captureDir();
    const capture = await istioTs(['capture', from, to, '-d', dir, ...extra]);
    const offline = capture.code === 0 ? await istioTs(['diagnose', '--capture', dir, '-o', 'json']) : undefined;
    return { dir, capture, offline };
  }, (t) => (t.offline ? parse(t.offline) : { segments: [] }));
  expect(r.capture.code, r.capture.stderr).toBe(0);
  return { dir: r.dir, capture: r.capture, offline: r.offline!, d: parse(r.offline!) };
}

afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe('diagnose and capture on a live mesh', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('healthy path: ok segments name their evidence, the network stays unknown, the capture round trip agrees', async () => {
    const dbPassword = `e2e-db-password-${Date.now()}`;
    const s = await shop('e2e-diag-ok', {}, [{ name: 'DB_PASSWORD', value: dbPassword }]);
    cleanups.push(s.ns.cleanup);
    // A Secret applied with kubectl (data also in the last-applied annotation): never captured.
    const secretValue = Buffer.from('-----BEGIN PRIVATE KEY-----\ne2e-not-a-real-key\n-----END PRIVATE KEY-----\n').toString('base64');
    await apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cart-tls' }, type: 'Opaque', data: { 'tls.key': secretValue } }, s.ns.name);

    const live = await liveUntil(s.client, s.to, (d) => segment(d, 'control-plane').status === 'ok' && segment(d, 'client-sidecar').status === 'ok');
    expect(live.run.code).toBe(0);
    // The workload reference resolves to the pod, and the capture records the pod.
    const { dir, capture, offline, d } = await roundTrip(`deploy/frontend.${s.ns.name}`, s.to);
    expect(capture.stderr).toMatch(/^wrote \d+ files to .*; diagnose with: istio-ts diagnose --capture /m);
    expect(offline.code).toBe(0);
    expect(d.from).toBe(s.client);
    expect(JSON.parse(readFileSync(join(dir, 'capture.json'), 'utf8'))).toMatchObject({ from: s.client, fromRef: `deploy/frontend.${s.ns.name}`, to: s.to });

    for (const x of [live.d, d]) {
      // No traffic crossed the fake sidecars: nothing can show the network is fine.
      expect(x.verdict.segment).toBe('unknown');
      expect(x.verdict.summary).toMatch(/no evidence for .*network/);
      expect(statuses(x)).toEqual({ 'client-app': 'ok', 'client-sidecar': 'ok', network: 'unknown', 'server-sidecar': 'ok', 'server-app': 'ok', 'control-plane': 'ok' });
      // "ok" only with ok evidence, each naming where it was read.
      for (const seg of x.segments.filter((g) => g.status === 'ok')) {
        const ok = seg.evidence.filter((e) => e.status === 'ok');
        expect(ok.length, seg.name).toBeGreaterThan(0);
        for (const e of ok) expect(e.source, `${seg.name} ${e.id}`).toMatch(/^(cluster\/|istiod\/|proxies\/)/);
      }
      expect(segment(x, 'network').evidence.filter((e) => e.status === 'ok')).toEqual([]);
      // The fake sidecar writes no access log: that is said, not read as "no errors".
      expect(segment(x, 'client-sidecar').evidence.map((e) => e.id)).toContain('log.no-lines');
      expect(segment(x, 'client-sidecar').evidence.map((e) => e.id)).toEqual(expect.arrayContaining(['path.listener', 'path.route', 'path.cluster', 'path.endpoints', 'cert.valid', 'injection.present']));
      expect(segment(x, 'control-plane').evidence.filter((e) => e.id === 'sync.synced').map((e) => e.source)).toEqual(
        expect.arrayContaining([expect.stringMatching(new RegExp(`^istiod/syncz\\.json: proxy ${s.client.replace(/\./g, '\\.')}`))]),
      );
    }
    expect(shape(d)).toEqual(shape(live.d));
    // The table says the same to a human: each segment's status and where its evidence was read.
    const table = await istioTs(['diagnose', '--capture', dir]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^\?  network +no evidence$/m);
    expect(table.stdout).toMatch(/^✔  control-plane .*\n +from (istiod\/syncz\.json|proxies\/)/m);
    expect(table.stdout).toMatch(/^Verdict: unknown \(low confidence\): no fault found, but no evidence for network$/m);

    // What was written: both proxies, istiod's sync state; no Secret data, no private key, no
    // literal env value of the app.
    const files = filesUnder(dir).map((f) => f.slice(dir.length + 1)).sort();
    expect(files).toEqual(expect.arrayContaining(['capture.json', 'istiod/syncz.json', 'cluster/pods.yaml', 'cluster/services.yaml', `proxies/${s.ns.name}/${s.client.split('.')[0]}/config_dump.json`]));
    expect(files.filter((f) => f.startsWith(`proxies/${s.ns.name}/`) && f.endsWith('/stats.txt'))).toHaveLength(2);
    const caKey = (await kubectl(['get', 'secret', '-n', 'istio-system', 'istio-ca-secret', '-o', 'jsonpath={.data.ca-key\\.pem}'])).trim();
    expect(caKey.length).toBeGreaterThan(100);
    for (const f of filesUnder(dir)) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toContain(secretValue);
      expect(text, f).not.toContain(dbPassword);
      expect(text, f).not.toContain(caKey);
      expect(text, f).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      expect(text, f).not.toMatch(/kind: Secret/);
    }
    // The workload certificate's key is in the dump only as Envoy's redaction marker.
    const dump = readFileSync(join(dir, 'proxies', s.ns.name, s.client.split('.')[0]!, 'config_dump.json'), 'utf8');
    const keys = [...dump.matchAll(/"private_key": \{\s*"(inline_bytes|inline_string)": "([^"]*)"/g)].map((m) => m[2]);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(['[redacted]', 'W3JlZGFjdGVkXQ==']).toContain(k);
  });

  it('a DestinationRule subset that selects no pod is the client sidecar, live and from the capture', async () => {
    const s = await shop('e2e-diag-subset');
    cleanups.push(s.ns.cleanup);
    await apply(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'cart' },
        spec: { host: 'cart', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
      },
      s.ns.name,
    );
    await apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart' }, spec: { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart', subset: 'v2' } }] }] } }, s.ns.name);
    const subsetCluster = `outbound|8080|v2|cart.${s.ns.name}.svc.cluster.local`;

    // Until istiod has pushed the VirtualService, the route still points at the whole Service.
    const live = await liveUntil(s.client, s.to, (d) => segment(d, 'client-sidecar').evidence.some((e) => e.id === 'path.endpoints-subset-empty'));
    expect(live.run.code).toBe(80);
    const { offline, d } = await roundTrip(s.client, s.to);
    expect(offline.code).toBe(80);
    for (const x of [live.d, d]) {
      expect(x.verdict).toMatchObject({ segment: 'client-sidecar', confidence: 'high' });
      const cs = segment(x, 'client-sidecar');
      expect(cs.status).toBe('fault');
      const empty = cs.evidence.find((e) => e.id === 'path.endpoints-subset-empty')!;
      expect(empty.summary).toContain(subsetCluster);
      expect(empty.summary).toContain(`DestinationRule ${s.ns.name}/cart`);
      expect(empty.source).toMatch(/^proxies\/.*\/clusters\.json: cluster_statuses outbound\|8080\|v2\|/);
      // IST0173 from the analyzers over the captured objects points at the same cause.
      expect(cs.evidence.some((e) => e.id === 'analyzer.finding' && e.summary.startsWith('IST0173'))).toBe(true);
      // Not blamed on the server or istiod.
      expect(segment(x, 'server-app').status).toBe('ok');
      expect(segment(x, 'control-plane').status).toBe('ok');
    }
    expect(shape(d)).toEqual(shape(live.d));
  });

  it('a sidecar that NACKs LDS is the control plane, with istiod and Envoy both as witnesses', async () => {
    const s = await shop('e2e-diag-nack', { 'fake-sidecar.istio-ts.dev/nack': 'LDS' });
    cleanups.push(s.ns.cleanup);
    const live = await liveUntil(s.client, s.to, (d) => segment(d, 'control-plane').evidence.some((e) => e.id === 'sync.nack'));
    expect(live.run.code).toBe(80);
    const { offline, d } = await roundTrip(s.client, s.to);
    expect(offline.code).toBe(80);
    for (const x of [live.d, d]) {
      expect(x.verdict).toMatchObject({ segment: 'control-plane', confidence: 'high' });
      expect(x.verdict.summary).toContain(`${s.client} rejected (NACK) the last LDS push`);
      const cp = segment(x, 'control-plane').evidence;
      expect(cp.find((e) => e.id === 'sync.nack')?.source).toBe(`istiod/syncz.json: proxy ${s.client}, LDS lastError`);
      expect(cp.find((e) => e.id === 'stats.update-rejected')?.summary).toMatch(/listener_manager\.lds\.update_rejected = [1-9]/);
      // The missing listener is the consequence, on the client sidecar; the verdict stays on the cause.
      expect(segment(x, 'client-sidecar').evidence.some((e) => e.id === 'path.listener-missing')).toBe(true);
      expect(x.nextSteps[0]).toContain(`istio-ts proxy-status ${s.client}`);
      expect(new Set(x.nextSteps.flatMap((n) => n.split('; '))).size).toBe(x.nextSteps.flatMap((n) => n.split('; ')).length);
    }
    expect(shape(d)).toEqual(shape(live.d));
  });

  it('north-south through a gateway: a VirtualService host the Gateway does not serve is the gateway', async () => {
    const s = await shop('e2e-diag-gw');
    cleanups.push(s.ns.cleanup);
    // A gateway Deployment as istioctl renders one: not injected, istio-proxy runs `proxy router`.
    await apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'shop-gateway' },
        spec: {
          selector: { matchLabels: { istio: 'shop-gateway' } },
          template: {
            metadata: { labels: { istio: 'shop-gateway', 'sidecar.istio.io/inject': 'false' } },
            spec: { containers: [{ name: 'istio-proxy', image: 'example.invalid/proxyv2:1', args: ['proxy', 'router', '--domain', `${s.ns.name}.svc.cluster.local`], ports: [{ containerPort: 8080 }] }] },
          },
        },
      },
      s.ns.name,
    );
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop-gateway' }, spec: { selector: { istio: 'shop-gateway' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }, s.ns.name);
    await apply({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'shop' }, spec: { selector: { istio: 'shop-gateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'] }] } }, s.ns.name);
    const vs = (host: string) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart-edge' }, spec: { hosts: [host], gateways: ['shop'], http: [{ route: [{ destination: { host: 'cart', port: { number: 8080 } } }] }] } });
    await apply(vs('shop.example.com'), s.ns.name);
    const via = `shop-gateway.${s.ns.name}`;

    // Routed: the gateway segment is ok on its route, cluster and endpoints.
    const ok = await waitFor('gateway route to cart', async () => {
      const run = await istioTs(['diagnose', 'ingress', s.to, '--via', via, '-o', 'json']);
      const d = parse(run);
      return segment(d, 'gateway')?.evidence.some((e) => e.id === 'path.endpoints') ? d : undefined;
    }, 120_000, 2000);
    expect(ok.segments.map((g) => g.name)).not.toContain('client-sidecar');
    expect(segment(ok, 'gateway').status).toBe('ok');
    expect(segment(ok, 'gateway').evidence.find((e) => e.id === 'path.route')?.summary).toMatch(/route http\.8080 virtual host shop\.example\.com:8080 .*→ outbound\|8080\|\|cart\./);

    await apply(vs('wrong.example.com'), s.ns.name);
    const live = await waitFor('gateway route gone', async () => {
      const run = await istioTs(['diagnose', 'ingress', s.to, '--via', via, '-o', 'json']);
      const d = parse(run);
      return segment(d, 'gateway').evidence.some((e) => e.id === 'path.route-missing') && !pushInFlight(d) ? { run, d } : undefined;
    }, 120_000, 2000);
    expect(live.run.code).toBe(80);
    const { offline, d } = await roundTrip('ingress', s.to, ['--via', via]);
    expect(offline.code).toBe(80);
    for (const x of [live.d, d]) {
      expect(x.verdict).toMatchObject({ segment: 'gateway', confidence: 'high' });
      expect(segment(x, 'gateway').evidence.some((e) => e.id === 'analyzer.warning' && e.summary.startsWith('IST0132 Warning'))).toBe(true);
    }
    expect(shape(d)).toEqual(shape(live.d));
  });

  it('a sidecar whose admin API does not answer is that sidecar, after one timeout, not three', async () => {
    const s = await shop('e2e-diag-dead');
    cleanups.push(s.ns.cleanup);
    // An istio-proxy container the fake sidecar does not serve (not injected, not a router):
    // the port-forward opens and nothing answers on 15000, like a hung Envoy.
    await apply(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'hung', labels: { app: 'hung' }, annotations: { 'sidecar.istio.io/inject': 'false' } },
        spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }, { name: 'istio-proxy', image: 'example.invalid/proxyv2:1' }] },
      },
      s.ns.name,
    );
    await runningPods(s.ns.name, 'hung', 1);
    const dir = captureDir();
    const capture = await istioTs(['capture', `hung.${s.ns.name}`, s.to, '-d', dir, '--timeout', '3s']);
    expect(capture.code).toBe(0);
    // One failed /ready, then its config_dump, clusters and stats are not tried.
    const hungWarnings = capture.stderr.split('\n').filter((l) => l.startsWith(`warning: hung.${s.ns.name} `));
    // Nothing serves 15000 in that pod. istio-ts reads the port-forward's error stream, so KWOK's answer ("no forward found for
    // port 15000") is reported at once; a hung Envoy behind a working tunnel times out instead.
    expect(hungWarnings[0]).toMatch(new RegExp(`^warning: hung\\.${s.ns.name} Envoy admin: hung\\.${s.ns.name}: (Envoy admin GET /ready timed out after 3s|port-forward to port 15000 failed: .*error forwarding port 15000)`));
    expect(hungWarnings.filter((l) => /\/(config_dump|clusters|stats)\b/.test(l))).toEqual([]);
    const meta = JSON.parse(readFileSync(join(dir, 'capture.json'), 'utf8')) as { notCollected: { file: string; reason: string }[] };
    expect(meta.notCollected.filter((m) => m.file.startsWith(`proxies/${s.ns.name}/hung/`)).map((m) => m.reason)).toEqual(['unreachable', 'unreachable', 'unreachable']);
    const offline = await istioTs(['diagnose', '--capture', dir, '-o', 'json']);
    expect(offline.code).toBe(80);
    const d = parse(offline);
    expect(d.verdict.segment).toBe('client-sidecar');
    expect(segment(d, 'client-sidecar').evidence.find((e) => e.id === 'proxy.admin-unreachable')?.source).toBe(`capture.json: notCollected proxies/${s.ns.name}/hung/`);
    // istiod does not list it either: a note, since the sidecar is the cause.
    expect(segment(d, 'control-plane').evidence.some((e) => e.id === 'sync.not-connected-proxy-down')).toBe(true);
    expect(segment(d, 'control-plane').evidence.some((e) => e.id === 'sync.not-connected')).toBe(false);
  });

  it('a FROM or TO that does not exist stops with a message; capture refuses a non-empty directory', async () => {
    const s = await shop('e2e-diag-err');
    cleanups.push(s.ns.cleanup);
    const noPod = await istioTs(['diagnose', `nosuch.${s.ns.name}`, s.to]);
    expect(noPod.code).toBe(1);
    expect(noPod.stderr).toBe(`Error: FROM: pod nosuch not found in namespace ${s.ns.name}\nCheck the name and namespace (kubectl get pods,services -A).\n`);
    const noDeploy = await istioTs(['capture', `deploy/nosuch.${s.ns.name}`, s.to, '-d', captureDir()]);
    expect(noDeploy.code).toBe(1);
    expect(noDeploy.stderr).toMatch(new RegExp(`^Error: FROM: Deployment nosuch not found in namespace ${s.ns.name}`));
    const noTarget = await istioTs(['diagnose', s.client, `nosuch.${s.ns.name}`]);
    expect(noTarget.code).toBe(1);
    expect(noTarget.stderr).toMatch(new RegExp(`^Error: TO: no Service nosuch and no pod nosuch in namespace ${s.ns.name}`));
    // The harness installs the minimal profile: no default ingress gateway to start from.
    const noGateway = await istioTs(['diagnose', 'ingress', s.to]);
    expect(noGateway.code).toBe(1);
    expect(noGateway.stderr).toMatch(/^Error: FROM: no ingress gateway pods \(label istio=ingressgateway\) in namespace istio-system; name the gateway with --via NAME\.NAMESPACE$/m);
    const full = captureDir();
    await istioTs(['capture', s.client, s.to, '-d', full]);
    writeFileSync(join(full, 'note.txt'), 'keep');
    const again = await istioTs(['capture', s.client, s.to, '-d', full]);
    expect(again.code).toBe(64);
    expect(readFileSync(join(full, 'note.txt'), 'utf8')).toBe('keep');
  });
});
