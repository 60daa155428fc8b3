/**
 * Pure: istio_requests_total (and istio_tcp_connections_closed_total) increases per reporter,
 * edge, response code and response flags → a verdict for each segment of each edge. The source
 * and destination reporters of an edge are joined, as Kiali's CombineReporters does, so that a
 * failure lands on one segment: what the client sidecar (or gateway) answered itself, what failed
 * between the sidecars (source saw an upstream failure the destination never reported), what the
 * server sidecar failed, and what the server app answered with 5xx (or refused: UF/URX on the
 * destination side). The PromQL of each catalog entry computes the same ratios for alerting.
 * HTTP edges are judged by the `edge.*` entries, TCP edges by the `edge.tcp-*` ones: thresholds,
 * minimum volume and the side whose total is the denominator (`volume.reporter`) come from them.
 */
import { APP_REFUSED_FLAGS, describeThreshold, judge, LOCAL_REPLY_FLAGS, ruleById, SERVER_PROXY_FLAGS, UPSTREAM_FAILURE_FLAGS, type RuleSpec } from './catalog.js';
import { segment, type Check, type Evidence, type Segment, type Verdict } from './model.js';
import type { PromSample } from './prometheus.js';

export interface EdgeRow {
  readonly reporter: string;
  readonly sourceWorkload: string;
  readonly sourceNamespace: string;
  readonly destService: string;
  readonly destNamespace: string;
  /** destination_service: the FQDN; the only destination label a request with no route (NR) has. */
  readonly destHost: string;
  readonly code: string;
  readonly flags: string;
  readonly count: number;
  readonly protocol: 'http' | 'tcp';
}

export interface LabelProblems {
  readonly noReporter: boolean;
  readonly noFlags: boolean;
}

/** Rows from the samples of the breakdown queries; reports labels the Prometheus does not keep. */
export function edgeRows(http: readonly PromSample[], tcp: readonly PromSample[]): { rows: EdgeRow[]; problems: LabelProblems } {
  let noReporter = false;
  let noFlags = false;
  const rows: EdgeRow[] = [];
  for (const [samples, protocol] of [[http, 'http'], [tcp, 'tcp']] as const) {
    for (const s of samples) {
      const m = s.metric;
      if (m.reporter === undefined) noReporter = true;
      if (m.response_flags === undefined) noFlags = true;
      if (!Number.isFinite(s.value)) continue;
      rows.push({
        reporter: m.reporter ?? '',
        sourceWorkload: m.source_workload ?? 'unknown',
        sourceNamespace: m.source_workload_namespace ?? 'unknown',
        destService: m.destination_service_name ?? 'unknown',
        destNamespace: m.destination_service_namespace ?? 'unknown',
        destHost: m.destination_service ?? '',
        code: m.response_code ?? '',
        flags: m.response_flags ?? '',
        count: s.value,
        protocol,
      });
    }
  }
  return { rows, problems: { noReporter, noFlags } };
}

function hasFlag(flags: string, set: string): boolean {
  const want = new Set(set.split('|'));
  return flags.split(',').some((f) => want.has(f.trim()));
}

const sum = (rows: readonly EdgeRow[]) => rows.reduce((a, r) => a + r.count, 0);
/** Counts from increase() are extrapolated (fractional): whole numbers from 10 on. */
const fmtN = (n: number) => (Number.isInteger(n) ? String(n) : n >= 10 ? String(Math.round(n)) : n.toFixed(1));
const pct = (n: number) => `${+(n * 100).toFixed(1)}%`;

export interface EdgeKey {
  readonly sourceWorkload: string;
  readonly sourceNamespace: string;
  readonly destService: string;
  readonly destNamespace: string;
  readonly destHost: string;
  readonly protocol: 'http' | 'tcp';
}

/** "name.namespace" of the destination; the FQDN when the proxy never resolved a service (NR). */
export function destName(k: Pick<EdgeKey, 'destService' | 'destNamespace' | 'destHost'>): string {
  return k.destNamespace === 'unknown' && k.destHost ? k.destHost : `${k.destService}.${k.destNamespace}`;
}

/** The namespace of the destination, from the FQDN when the labels do not know it. */
function destNs(r: Pick<EdgeKey, 'destNamespace' | 'destHost'>): string {
  if (r.destNamespace !== 'unknown' || !r.destHost) return r.destNamespace;
  const m = /^[^.]+\.([^.]+)\.svc(\.|$)/.exec(r.destHost);
  return m ? m[1]! : r.destNamespace;
}

export function edgeName(k: EdgeKey): string {
  return `${k.sourceWorkload}.${k.sourceNamespace} → ${destName(k)}${k.protocol === 'tcp' ? ' (tcp)' : ''}`;
}

export interface Latency {
  readonly key: string;
  readonly sumMs: number;
  readonly count: number;
}

export function latencyByEdge(sums: readonly PromSample[], counts: readonly PromSample[]): Map<string, { sumMs: number; count: number }> {
  const k = (m: Readonly<Record<string, string>>) => `${m.source_workload}|${m.source_workload_namespace}|${m.destination_service_name}|${m.destination_service_namespace}|${m.destination_service ?? ''}|http`;
  const out = new Map<string, { sumMs: number; count: number }>();
  for (const s of sums) out.set(k(s.metric), { sumMs: s.value, count: 0 });
  for (const c of counts) {
    const e = out.get(k(c.metric));
    if (e) e.count = c.value;
  }
  return out;
}

export interface EdgeJudgeOptions {
  readonly rules: readonly RuleSpec[];
  readonly namespace: string | null;
  readonly window: string;
  /** The breakdown query, for evidence. */
  readonly query: string;
  /** The TCP breakdown query (istio_tcp_connections_closed_total), for the evidence of TCP edges. */
  readonly tcpQuery?: string;
  readonly latencyQuery: string;
  readonly problems: LabelProblems;
}

/** Segments for every edge in scope, sorted by edge name. */
export function judgeEdges(rows: readonly EdgeRow[], latency: Map<string, { sumMs: number; count: number }>, o: EdgeJudgeOptions): Segment[] {
  const groups = new Map<string, { key: EdgeKey; rows: EdgeRow[] }>();
  for (const r of rows) {
    if (o.namespace && r.sourceNamespace !== o.namespace && destNs(r) !== o.namespace) continue;
    const id = `${r.sourceWorkload}|${r.sourceNamespace}|${r.destService}|${r.destNamespace}|${r.destHost}|${r.protocol}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key: { sourceWorkload: r.sourceWorkload, sourceNamespace: r.sourceNamespace, destService: r.destService, destNamespace: r.destNamespace, destHost: r.destHost, protocol: r.protocol }, rows: [] }));
    g.rows.push(r);
  }
  const out: Segment[] = [];
  for (const [id, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(...judgeEdge(g.key, g.rows, latency.get(id), o));
  }
  return out;
}

function judgeEdge(k: EdgeKey, rows: readonly EdgeRow[], lat: { sumMs: number; count: number } | undefined, o: EdgeJudgeOptions): Segment[] {
  const R = (id: string) => ruleById(o.rules, id);
  const tcp = k.protocol === 'tcp';
  /** The catalog entry judging this segment for the edge's protocol. */
  const E = (http: string, tcpId: string) => R(tcp ? tcpId : http);
  const scope = edgeName(k);
  const S = rows.filter((r) => r.reporter === 'source');
  const D = rows.filter((r) => r.reporter === 'destination');
  const totS = sum(S);
  const totD = sum(D);
  const unit = tcp ? 'connections' : 'requests';
  const gateway = /gateway/.test(k.sourceWorkload);
  const from = gateway ? `${k.sourceWorkload}.${k.sourceNamespace}` : `deploy/${k.sourceWorkload}.${k.sourceNamespace}`;
  const to = destName(k);
  const nextOf = (r: RuleSpec) => r.next?.replace('{from}', from).replace('{to}', to);
  const evd = (r: RuleSpec, read: string, value: string): Evidence => ({ source: 'prometheus', read, value, threshold: describeThreshold(r) + (r.minRequests ? `; judged from ${r.minRequests} ${unit}` : '') });
  const read = `${tcp && o.tcpQuery ? o.tcpQuery : o.query} (window ${o.window})`;
  const mk = (r: RuleSpec, verdict: Verdict, message: string, value: string): Check => {
    const next = verdict === 'FAIL' || verdict === 'DEGRADED' ? nextOf(r) : undefined;
    return { id: r.id, title: r.title, verdict, message, evidence: [evd(r, read, value)], ...(next ? { next } : {}) };
  };
  // The denominator is the total of the side the rule's volume counts (as its PromQL divides by).
  const ratioCheck = (r: RuleSpec, bad: number, what: string): Check => {
    if (!r.volume) throw new Error(`internal: edge rule ${r.id} has no volume in the catalog`);
    const side = r.volume.reporter;
    const total = side === 'source' ? totS : totD;
    if (total === 0) {
      return mk(r, 'UNKNOWN', side === 'source' ? `no source-reported series for this edge (client outside the mesh, or its metrics are not scraped)` : `no destination-reported series for this edge (server outside the mesh, or its metrics are not scraped)`, 'absent');
    }
    if (r.minRequests !== undefined && total < r.minRequests) return mk(r, 'UNKNOWN', `only ${fmtN(total)} ${unit} in ${o.window}: fewer than ${r.minRequests} to judge`, `${fmtN(bad)}/${fmtN(total)}`);
    const ratio = bad / total;
    const v = judge(r, ratio);
    return mk(r, v, v === 'OK' ? `${fmtN(total)} ${unit}, none ${what}` : `${fmtN(bad)} of ${fmtN(total)} ${unit} (${pct(ratio)}) ${what}`, pct(ratio));
  };
  const noFlags = (r: RuleSpec) => mk(r, 'UNKNOWN', `this Prometheus keeps no response_flags label on ${tcp ? 'istio_tcp_connections_closed_total' : 'istio_requests_total'}: which proxy answered cannot be told`, 'label missing');

  // client side: the client sidecar, or the gateway when the source is one
  const clientRule = gateway ? E('edge.gateway', 'edge.tcp-gateway') : E('edge.client-sidecar', 'edge.tcp-client-sidecar');
  const local = S.filter((r) => hasFlag(r.flags, LOCAL_REPLY_FLAGS));
  const localFlags = [...new Set(local.filter((r) => r.count > 0).map((r) => `${r.flags}${r.code ? ` ${r.code}` : ''}`))].join(', ');
  const client = o.problems.noFlags ? noFlags(clientRule) : ratioCheck(clientRule, sum(local), `${tcp ? 'closed' : 'answered'} by the ${gateway ? 'gateway' : 'client sidecar'} itself${localFlags ? ` (${localFlags})` : ''}`);

  // network: upstream failures on the source side the destination side did not report
  const netRule = E('edge.network', 'edge.tcp-network');
  let network: Check;
  if (o.problems.noFlags) network = noFlags(netRule);
  else {
    const up = S.filter((r) => hasFlag(r.flags, UPSTREAM_FAILURE_FLAGS));
    const upFlags = [...new Set(up.filter((r) => r.count > 0).map((r) => `${r.flags}${r.code ? ` ${r.code}` : ''}`))].join(', ');
    // what the server side reported as failed: 5xx for HTTP; TCP connections have no code, only flags
    const seen = D.filter((r) => (tcp ? r.flags !== '-' && r.flags !== '' : /^5\d\d$/.test(r.code)));
    const lost = Math.max(0, sum(up) - sum(seen));
    const why = totD === 0 ? `failed upstream (${upFlags}) and the server side reported none of them (no destination series): they never reached the server sidecar` : `failed upstream (${upFlags}) beyond the ${fmtN(sum(seen))} ${tcp ? 'flagged connections' : '5xx'} the server side reported`;
    network = ratioCheck(netRule, lost, lost > 0 ? why : 'failed between the sidecars');
  }

  // server sidecar and server app: the destination reporter
  const ssRule = E('edge.server-sidecar', 'edge.tcp-server-sidecar');
  const saRule = E('edge.server-app', 'edge.tcp-server-app');
  let serverSidecar: Check;
  let serverApp: Check;
  const bad = (c: Check) => c.verdict === 'FAIL' || c.verdict === 'DEGRADED';
  if (totD === 0 && (bad(network) || bad(client))) {
    // The requests never arrived: nothing to say about the server side.
    const where = bad(network) ? 'network' : gateway ? 'gateway' : 'client sidecar';
    serverSidecar = mk(ssRule, 'UNKNOWN', `no destination-reported series: the requests did not reach the server sidecar (see ${where})`, 'absent');
    serverApp = mk(saRule, 'UNKNOWN', `no destination-reported series: the requests did not reach the server (see ${where})`, 'absent');
  } else {
    const ssRows = D.filter((r) => hasFlag(r.flags, SERVER_PROXY_FLAGS));
    const ssFlags = [...new Set(ssRows.filter((r) => r.count > 0).map((r) => `${r.flags}${r.code ? ` ${r.code}` : ''}`))].join(', ');
    serverSidecar = o.problems.noFlags ? noFlags(ssRule) : ratioCheck(ssRule, sum(ssRows), `failed in the server sidecar${ssFlags ? ` (${ssFlags})` : ''}`);
    // a TCP connection the app refused is closed with UF/URX on the server side, with no code
    const app = D.filter((r) => (tcp ? hasFlag(r.flags, APP_REFUSED_FLAGS) : /^5\d\d$/.test(r.code)) && !hasFlag(r.flags, SERVER_PROXY_FLAGS));
    const refused = app.filter((r) => hasFlag(r.flags, APP_REFUSED_FLAGS)).reduce((a, r) => a + r.count, 0);
    const codes = [...new Set(app.filter((r) => r.count > 0).map((r) => r.code))].sort().join('/');
    serverApp = ratioCheck(saRule, sum(app), tcp ? 'refused by the app port (UF/URX on the server side: the app is not listening)' : refused > 0 ? `refused by the app port (UF/URX on the server side: the app is not listening)${sum(app) > refused ? ` or answered ${codes}` : ''}` : `answered ${codes || '5xx'} by the app`);
  }
  const checks: Segment[] = [
    segment(gateway ? 'gateway' : 'client-sidecar', scope, [client]),
    segment('network', scope, [network]),
    segment('server-sidecar', scope, [serverSidecar]),
  ];
  const appChecks = [serverApp];
  if (k.protocol === 'http' && lat && lat.count > 0) {
    const lr = R('edge.latency');
    const avg = lat.sumMs / lat.count;
    if (lr.minRequests !== undefined && lat.count < lr.minRequests) appChecks.push({ id: lr.id, title: lr.title, verdict: 'UNKNOWN', message: `only ${fmtN(lat.count)} requests in ${o.window}: fewer than ${lr.minRequests} to judge`, evidence: [evd(lr, `${o.latencyQuery} (window ${o.window})`, `${Math.round(avg)} ms`)] });
    else {
      const v = judge(lr, avg);
      const next = v === 'OK' ? undefined : nextOf(lr);
      appChecks.push({ id: lr.id, title: lr.title, verdict: v, message: `average ${Math.round(avg)} ms over ${fmtN(lat.count)} requests`, evidence: [evd(lr, `${o.latencyQuery} (window ${o.window})`, `${Math.round(avg)} ms`)], ...(next ? { next } : {}) });
    }
  }
  checks.push(segment('server-app', scope, appChecks));
  return checks;
}
