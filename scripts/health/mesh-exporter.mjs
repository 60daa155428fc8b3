#!/usr/bin/env node
// A loopback stand-in for Istio's telemetry (upstream Envoy has no istio.stats filter): for each
// edge it runs real HTTP hops on 127.0.0.1 — client sidecar (or gateway) → server sidecar → app —
// and counts every request the way Istio's stats plugin does, with Istio's exact label set:
// istio_requests_total and istio_request_duration_milliseconds (reporter="source" at the client
// hop, "destination" at the server hop), response_code and Envoy response_flags (NR: no route,
// UF: upstream connection failure, UC: upstream reset).
// A TCP edge (protocol 'tcp') runs the same hops as raw TCP proxies in front of an echo app and
// counts each connection as Istio's stats plugin does for TCP: istio_tcp_connections_opened_total,
// istio_tcp_connections_closed_total, istio_tcp_sent_bytes_total (bytes the hop sent back to its
// downstream) and istio_tcp_received_bytes_total (bytes it received from its downstream), with
// request_protocol="tcp", no response_code, and response_flags UF when the upstream refused.
// Prometheus scrapes GET /metrics. Traffic is real, bounded and loopback only.
//
//   node scripts/health/mesh-exporter.mjs [--port 0] [--scenario NS:healthy|app-5xx|no-server|no-route|tcp-healthy|tcp-no-server|tcp-app-down ...]
//       runs until SIGTERM/SIGINT; prints {"metrics": "http://127.0.0.1:<port>/metrics"}
import http from 'node:http';
import net from 'node:net';

const ISTIO_LABELS = [
  'reporter', 'source_workload', 'source_workload_namespace', 'source_principal', 'source_app', 'source_version', 'source_cluster',
  'source_canonical_service', 'source_canonical_revision', 'destination_workload', 'destination_workload_namespace',
  'destination_principal', 'destination_app', 'destination_version', 'destination_service', 'destination_service_name',
  'destination_service_namespace', 'destination_canonical_service', 'destination_canonical_revision', 'destination_cluster',
  'request_protocol', 'response_code', 'grpc_response_status', 'response_flags', 'connection_security_policy',
];
// Istio's TCP metrics carry the same labels minus the request-only ones.
const TCP_LABELS = ISTIO_LABELS.filter((l) => l !== 'response_code' && l !== 'grpc_response_status');
const BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

export class Registry {
  constructor() {
    this.counters = new Map(); // name → Map(labelKey → {labels, value})
    this.histos = new Map();
  }
  inc(name, labels, by = 1) {
    const m = this.counters.get(name) ?? this.counters.set(name, new Map()).get(name);
    const key = JSON.stringify(labels);
    const e = m.get(key) ?? m.set(key, { labels, value: 0 }).get(key);
    e.value += by;
  }
  observe(name, labels, v) {
    const m = this.histos.get(name) ?? this.histos.set(name, new Map()).get(name);
    const key = JSON.stringify(labels);
    const e = m.get(key) ?? m.set(key, { labels, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }).get(key);
    BUCKETS.forEach((b, i) => { if (v <= b) e.buckets[i]++; });
    e.sum += v;
    e.count++;
  }
  render() {
    const fmt = (labels, extra = {}) => `{${Object.entries({ ...labels, ...extra }).map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
    let out = '';
    for (const [name, m] of [...this.counters.entries()].sort()) {
      out += `# TYPE ${name} counter\n`;
      for (const e of m.values()) out += `${name}${fmt(e.labels)} ${e.value}\n`;
    }
    for (const [name, m] of [...this.histos.entries()].sort()) {
      out += `# TYPE ${name} histogram\n`;
      for (const e of m.values()) {
        BUCKETS.forEach((b, i) => { out += `${name}_bucket${fmt(e.labels, { le: String(b) })} ${e.buckets[i]}\n`; });
        out += `${name}_bucket${fmt(e.labels, { le: '+Inf' })} ${e.count}\n${name}_sum${fmt(e.labels)} ${e.sum}\n${name}_count${fmt(e.labels)} ${e.count}\n`;
      }
    }
    return out;
  }
}

function listen(handler) {
  return new Promise((resolve, reject) => {
    const srv = http.createServer(handler);
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}
const portOf = (srv) => srv.address().port;
const close = (srv) => new Promise((r) => (srv ? srv.close(() => r()) : r()));

/** One request upstream; resolves {status} or {error: code}. */
function forward(port, path, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', () => resolve({ error: 'reset' }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => resolve({ error: e.code ?? 'error' }));
  });
}

/** Istio's source and destination labels of an edge. */
function identity(e) {
  const trust = 'cluster.local';
  const src = e.source;
  const dst = e.destination;
  const host = `${dst.service}.${dst.namespace}.svc.cluster.local`;
  const srcLabels = {
    source_workload: src.workload, source_workload_namespace: src.namespace, source_principal: `spiffe://${trust}/ns/${src.namespace}/sa/${src.workload}`,
    source_app: src.workload, source_version: 'v1', source_cluster: 'Kubernetes', source_canonical_service: src.workload, source_canonical_revision: 'v1',
  };
  // The service is known once a route picked a cluster (not for NR); the workload only when the
  // server's peer metadata came back (not when the connection failed).
  const dstLabels = (service, workload) => ({
    destination_workload: workload ? dst.workload : 'unknown', destination_workload_namespace: workload ? dst.namespace : 'unknown',
    destination_principal: workload ? `spiffe://${trust}/ns/${dst.namespace}/sa/${dst.workload}` : 'unknown', destination_app: workload ? dst.workload : 'unknown',
    destination_version: workload ? 'v1' : 'unknown', destination_service: host, destination_service_name: service ? dst.service : host,
    destination_service_namespace: service ? dst.namespace : 'unknown', destination_canonical_service: workload ? dst.workload : 'unknown',
    destination_canonical_revision: workload ? 'v1' : 'unknown', destination_cluster: workload ? 'Kubernetes' : 'unknown',
  });
  return { srcLabels, dstLabels };
}

/**
 * One edge: source workload (a sidecar, or a gateway) → destination service, in a scenario:
 *   healthy    the app answers 200
 *   app-5xx    the app answers 500 for every request
 *   no-server  nothing listens where the server sidecar should be: the client sees UF, and there
 *              is no destination-reported series at all
 *   no-route   the client side (a gateway) has no route for the host: 404 NR, nothing forwarded
 *   app-down   the server sidecar runs but the app port refuses: 503 UF on the destination side
 */
export async function startEdge(reg, e) {
  if (e.protocol === 'tcp') return startTcpEdge(reg, e);
  const { srcLabels, dstLabels } = identity(e);
  const record = (reporter, service, workload, code, flags, ms) => {
    const labels = { reporter, ...srcLabels, ...dstLabels(service, workload), request_protocol: 'http', response_code: String(code), grpc_response_status: '', response_flags: flags, connection_security_policy: reporter === 'destination' ? 'mutual_tls' : 'unknown' };
    reg.inc('istio_requests_total', labels);
    reg.observe('istio_request_duration_milliseconds', labels, ms);
  };

  const servers = [];
  // the app
  let appPort = 0;
  if (e.scenario !== 'app-down') {
    const app = await listen((req, res) => {
      res.writeHead(e.scenario === 'app-5xx' ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(e.scenario === 'app-5xx' ? 'internal error\n' : 'ok\n');
    });
    servers.push(app);
    appPort = portOf(app);
  } else {
    // a port that was free a moment ago and is closed now: connections are refused
    const tmp = await listen(() => undefined);
    appPort = portOf(tmp);
    await close(tmp);
  }
  // the server sidecar (reporter="destination")
  let serverPort = 0;
  if (e.scenario !== 'no-server') {
    const server = await listen(async (req, res) => {
      const t0 = performance.now();
      const up = await forward(appPort, req.url);
      const ms = performance.now() - t0;
      if (up.error) {
        const flags = up.error === 'ECONNREFUSED' ? 'UF' : 'UC';
        record('destination', true, true, 503, flags, ms);
        res.writeHead(503).end('upstream connect error or disconnect/reset before headers\n');
      } else {
        record('destination', true, true, up.status, '-', ms);
        res.writeHead(up.status).end();
      }
    });
    servers.push(server);
    serverPort = portOf(server);
  } else {
    const tmp = await listen(() => undefined);
    serverPort = portOf(tmp);
    await close(tmp);
  }
  // the client sidecar or gateway (reporter="source")
  const client = await listen(async (req, res) => {
    const t0 = performance.now();
    if (e.scenario === 'no-route') {
      record('source', false, false, 404, 'NR', performance.now() - t0);
      res.writeHead(404).end();
      return;
    }
    const up = await forward(serverPort, req.url);
    const ms = performance.now() - t0;
    if (up.error) {
      record('source', true, up.error !== 'ECONNREFUSED', 503, up.error === 'ECONNREFUSED' ? 'UF' : 'UC', ms);
      res.writeHead(503).end('upstream connect error or disconnect/reset before headers\n');
    } else {
      record('source', true, true, up.status, '-', ms);
      res.writeHead(up.status).end();
    }
  });
  servers.push(client);
  return { clientPort: portOf(client), close: () => Promise.all(servers.map(close)) };
}

function listenTcp(handler) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer({ allowHalfOpen: true }, handler);
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

/** A loopback port that was free a moment ago and is closed now: connections to it are refused. */
async function refusedPort() {
  const tmp = await listen(() => undefined);
  const port = portOf(tmp);
  await close(tmp);
  return port;
}

/**
 * A TCP proxy hop (a sidecar's tcp_proxy): every downstream connection is relayed to
 * upstreamPort. opened(flags, established) once the upstream connected or failed;
 * closed(flags, established, received, sent) once both sides are closed, with the bytes received
 * from and sent to the downstream. Flags as Envoy sets them: UF when the upstream connection
 * failed (refused, or not connected within 2 s), UC when an established upstream reset.
 */
function tcpProxy(upstreamPort, opened, closed) {
  return listenTcp((down) => {
    let received = 0;
    let sent = 0;
    let flags = '-';
    let established = false;
    let done = false;
    const pending = [];
    const up = net.connect({ host: '127.0.0.1', port: upstreamPort, allowHalfOpen: true });
    const connectTimer = setTimeout(() => up.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), 2000);
    down.setTimeout(5000, () => down.destroy());
    up.setTimeout(5000, () => up.destroy());
    down.on('data', (b) => {
      received += b.length;
      if (established) up.write(b);
      else pending.push(b);
    });
    up.on('connect', () => {
      clearTimeout(connectTimer);
      established = true;
      opened('-', true);
      for (const b of pending.splice(0)) up.write(b);
      if (down.readableEnded) up.end();
    });
    up.on('data', (b) => {
      sent += b.length;
      if (!down.destroyed) down.write(b);
    });
    down.on('end', () => { if (established) up.end(); });
    up.on('end', () => { if (!down.destroyed) down.end(); });
    up.on('error', (err) => { flags = established ? (err.code === 'ECONNRESET' ? 'UC' : flags) : 'UF'; });
    down.on('error', () => undefined);
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      up.destroy();
      down.destroy();
      if (!established) opened(flags, false);
      closed(flags, established, received, sent);
    };
    let upClosed = false;
    let downClosed = false;
    up.on('close', () => {
      upClosed = true;
      if (!established) down.destroy(); // the upstream failed: the downstream is closed
      if (downClosed) finish();
    });
    down.on('close', () => {
      downClosed = true;
      if (!established && flags === '-') flags = 'DC'; // the downstream left before the upstream connected
      if (!established) up.destroy();
      if (upClosed) finish();
    });
  });
}

/**
 * A TCP edge: client sidecar → server sidecar → an echo app, all loopback. Scenarios:
 *   healthy    the app echoes every byte back
 *   no-server  nothing listens where the server sidecar should be: the client side reports UF
 *              and there is no destination-reported series at all
 *   app-down   the server sidecar runs but the app port refuses: UF on the destination side
 */
async function startTcpEdge(reg, e) {
  const { srcLabels, dstLabels } = identity(e);
  const labels = (reporter, workload, flags) => ({ reporter, ...srcLabels, ...dstLabels(true, workload), request_protocol: 'tcp', response_flags: flags, connection_security_policy: reporter === 'destination' ? 'mutual_tls' : 'unknown' });
  // The destination workload is known when the peer's metadata came back: on the server side
  // always, on the client side only once the upstream connection was established.
  const hooks = (reporter) => [
    (flags, established) => reg.inc('istio_tcp_connections_opened_total', labels(reporter, reporter === 'destination' || established, flags)),
    (flags, established, received, sent) => {
      const l = labels(reporter, reporter === 'destination' || established, flags);
      reg.inc('istio_tcp_connections_closed_total', l);
      reg.inc('istio_tcp_received_bytes_total', l, received);
      reg.inc('istio_tcp_sent_bytes_total', l, sent);
    },
  ];
  const servers = [];
  let appPort;
  if (e.scenario === 'app-down') appPort = await refusedPort();
  else {
    const app = await listenTcp((s) => {
      s.setTimeout(5000, () => s.destroy());
      s.on('data', (b) => s.write(b));
      s.on('end', () => s.end());
      s.on('error', () => undefined);
    });
    servers.push(app);
    appPort = portOf(app);
  }
  let serverPort;
  if (e.scenario === 'no-server') serverPort = await refusedPort();
  else {
    const server = await tcpProxy(appPort, ...hooks('destination'));
    servers.push(server);
    serverPort = portOf(server);
  }
  const client = await tcpProxy(serverPort, ...hooks('source'));
  servers.push(client);
  const clientPort = portOf(client);
  return {
    clientPort,
    /** One connection through the edge: a line sent, the echo read, closed; at most 3 s. */
    hit: () => new Promise((resolve) => {
      const payload = Buffer.from(`ping ${Date.now()}\n`);
      let got = 0;
      const c = net.connect({ host: '127.0.0.1', port: clientPort, allowHalfOpen: true }, () => c.end(payload));
      c.setTimeout(3000, () => c.destroy());
      c.on('data', (b) => { got += b.length; });
      c.on('end', () => c.end());
      c.on('error', () => undefined);
      c.on('close', () => resolve({ echoed: got === payload.length }));
    }),
    close: () => Promise.all(servers.map((srv) => new Promise((r) => srv.close(() => r())))),
  };
}

/**
 * Sends requests (connections, on a TCP edge) to an edge's client hop: `rps` per second, at most
 * `max` in all, until stop().
 * Loopback only.
 */
export function drive(edge, { rps = 10, max = 3000 } = {}) {
  let sent = 0;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    for (let i = 0; i < rps / 10 && sent < max; i++, sent++) void (edge.hit ? edge.hit() : forward(edge.clientPort, '/'));
    if (sent >= max) clearInterval(timer);
  }, 100);
  return { stop: () => { stopped = true; clearInterval(timer); }, sent: () => sent };
}

/** The /metrics server. */
export async function startExporter(reg, port = 0) {
  const srv = http.createServer((req, res) => {
    if (req.url !== '/metrics') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(reg.render());
  });
  await new Promise((resolve, reject) => { srv.on('error', reject); srv.listen(port, '127.0.0.1', resolve); });
  return { port: portOf(srv), close: () => close(srv) };
}

export const LABELS = ISTIO_LABELS;

// Standalone: `node scripts/health/mesh-exporter.mjs --scenario shop:app-5xx`
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  let port = 0;
  const scenarios = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--scenario') scenarios.push(args[++i]);
  }
  const reg = new Registry();
  const edges = [];
  for (const s of scenarios.length ? scenarios : ['default:healthy']) {
    const [ns, name] = s.split(':');
    const protocol = name.startsWith('tcp-') ? 'tcp' : 'http';
    const scenario = name.replace(/^tcp-/, '');
    const gateway = scenario === 'no-route';
    const edge = await startEdge(reg, { protocol, scenario, source: gateway ? { workload: 'istio-ingressgateway', namespace: ns } : { workload: 'web', namespace: ns }, destination: protocol === 'tcp' ? { service: 'db', workload: 'db', namespace: ns } : { service: 'cart', workload: 'cart', namespace: ns } });
    edges.push(edge, drive(edge, { rps: 10, max: 100000 }));
  }
  const exp = await startExporter(reg, port);
  process.stdout.write(JSON.stringify({ metrics: `http://127.0.0.1:${exp.port}/metrics` }) + '\n');
  const stop = async () => { for (const e of edges) e.stop?.(); await Promise.all(edges.map((e) => e.close?.())); await exp.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
