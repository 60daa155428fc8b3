/**
 * Pure: answers to the catalog's Prometheus queries → control-plane and sidecar checks, the
 * traffic segment, and the edges. Queries are listed by `promQueries` and fetched by ./run.ts.
 */
import { describeThreshold, EDGE_LABELS, judge, ruleById, type RuleSpec } from './catalog.js';
import { edgeRows, judgeEdges, latencyByEdge } from './edges.js';
import type { Check, Segment } from './model.js';
import type { PromSample } from './prometheus.js';

export type PromAnswer = { readonly ok: true; readonly samples: readonly PromSample[] } | { readonly ok: false; readonly error: string };

const GROUP = EDGE_LABELS.join(', ');
export const EDGE_QUERY = (w: string) => `sum by (reporter, ${GROUP}, response_code, response_flags) (increase(istio_requests_total[${w}]))`;
export const TCP_QUERY = (w: string) => `sum by (reporter, ${GROUP}, response_flags) (increase(istio_tcp_connections_closed_total[${w}]))`;
export const LAT_SUM_QUERY = (w: string) => `sum by (${GROUP}) (increase(istio_request_duration_milliseconds_sum{reporter="destination"}[${w}]))`;
export const LAT_COUNT_QUERY = (w: string) => `sum by (${GROUP}) (increase(istio_request_duration_milliseconds_count{reporter="destination"}[${w}]))`;

export function withWindow(q: string, window: string): string {
  return q.split('$window').join(window);
}

/** Every query the judge needs for these rules and window. */
export function promQueries(rules: readonly RuleSpec[], window: string): string[] {
  const qs = new Set<string>();
  for (const r of rules) {
    if (r.source !== 'prometheus' || r.segment === 'traffic' || r.id.startsWith('edge.')) continue;
    qs.add(withWindow(r.query, window));
    if (r.zeroWhenPresent) qs.add(`count(${r.zeroWhenPresent})`);
  }
  qs.add(EDGE_QUERY(window));
  qs.add(TCP_QUERY(window));
  qs.add(LAT_SUM_QUERY(window));
  qs.add(LAT_COUNT_QUERY(window));
  return [...qs];
}

export interface PromJudgeOptions {
  readonly rules: readonly RuleSpec[];
  readonly window: string;
  readonly namespace: string | null;
  readonly istioNamespace: string;
  /** Ids of the live checks that ran (for coveredBy). */
  readonly liveCheckIds: ReadonlySet<string>;
  /** Injected workloads in scope ("name.namespace"), for coverage; undefined when not read. */
  readonly workloads?: readonly string[];
}

function fmtValue(r: RuleSpec, v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (r.unit === 'seconds') return `${+v.toFixed(3)}s`;
  return String(+v.toFixed(3));
}

/** The value in words: "0 in the last 5m", "3650 days", "0.42s". */
function say(r: RuleSpec, v: number, window: string): string {
  if (r.unit === 'seconds') {
    const a = Math.abs(v);
    const h = a >= 2 * 86400 ? `${Math.floor(v / 86400)} days` : a >= 2 * 3600 ? `${Math.floor(v / 3600)} h` : a >= 120 ? `${Math.floor(v / 60)} min` : `${+v.toFixed(2)}s`;
    return r.bad === 'below' ? `${h} left` : h;
  }
  const n = Number.isInteger(v) ? String(v) : v >= 10 ? String(Math.round(v)) : v.toFixed(1);
  return /increase\(/.test(r.query) ? `${n} in the last ${window}` : n;
}

function fillNext(r: RuleSpec, o: PromJudgeOptions): string | undefined {
  return r.next?.replace(/\{istioNamespace\}/g, o.istioNamespace).replace(/\{nsFlag\}/g, o.namespace ? `-n ${o.namespace}` : '').trim();
}

/** Control-plane and sidecar checks from Prometheus. */
export function judgePromSignals(answers: ReadonlyMap<string, PromAnswer>, o: PromJudgeOptions): Check[] {
  const out: Check[] = [];
  for (const r of o.rules) {
    if (r.source !== 'prometheus' || (r.segment !== 'control-plane' && r.segment !== 'sidecars')) continue;
    const q = withWindow(r.query, o.window);
    const a = answers.get(q);
    const base = { id: r.id, title: r.title };
    const evidence = (value: string) => [{ source: 'prometheus' as const, read: q, value, threshold: describeThreshold(r) }];
    if (!a) continue;
    if (!a.ok) {
      out.push({ ...base, verdict: 'UNKNOWN', message: a.error, evidence: evidence('not read') });
      continue;
    }
    let value: number;
    let note = '';
    if (a.samples.length === 0) {
      const p = r.zeroWhenPresent ? answers.get(`count(${r.zeroWhenPresent})`) : undefined;
      const present = Boolean(p?.ok && p.samples.length > 0 && p.samples[0]!.value > 0);
      // Series absent altogether: a live check that answers the same question stands alone.
      if (!present && r.coveredBy && o.liveCheckIds.has(r.coveredBy)) continue;
      if (r.zeroWhenPresent) {
        if (!present) {
          out.push({ ...base, verdict: 'UNKNOWN', message: p && !p.ok ? p.error : `no ${r.zeroWhenPresent} series: Prometheus does not scrape ${r.segment === 'sidecars' ? "the proxies' /stats/prometheus" : 'istiod'}, so an absent counter cannot be read as 0`, evidence: evidence('absent') });
          continue;
        }
        // A histogram with no series has no observations at all: a quantile of nothing is not 0 s.
        if (/^histogram_quantile\(/.test(r.query)) {
          out.push({ ...base, verdict: 'OK', message: 'no observations yet (the histogram has no series until the first one)', evidence: evidence('absent (no observations)') });
          continue;
        }
        value = 0;
        // count(x == 0) is empty when nothing matches; a counter is absent until its first event.
        note = /^count\(/.test(r.query) ? ' (none matched)' : ' (no series yet: the counter is created at the first event)';
      } else {
        out.push({ ...base, verdict: 'UNKNOWN', message: `no series for ${q}`, evidence: evidence('absent') });
        continue;
      }
    } else value = a.samples[0]!.value;
    if (Number.isNaN(value)) {
      // histogram_quantile over a window without observations: nothing was pushed.
      out.push({ ...base, verdict: 'OK', message: 'no observations in the window (nothing pushed)', evidence: evidence('NaN (no observations)') });
      continue;
    }
    if (r.id === 'cp.istiod-scraped') {
      const v = value >= 1 ? 'OK' : 'UNKNOWN';
      out.push({ ...base, verdict: v, message: v === 'OK' ? `${value} istiod instance(s) scraped` : 'no istio_build{component="pilot"} series: Prometheus does not scrape istiod', evidence: evidence(String(value)) });
      continue;
    }
    const v = judge(r, value);
    const next = v === 'OK' ? undefined : fillNext(r, o);
    out.push({ ...base, verdict: v, message: `${say(r, value, o.window)}${note}`, evidence: evidence(fmtValue(r, value) + note), ...(next ? { next } : {}) });
  }
  return out;
}

/** The traffic segment (series and labels present, coverage) and the edges. */
export function judgeTraffic(answers: ReadonlyMap<string, PromAnswer>, o: PromJudgeOptions): Segment[] {
  const seriesRule = ruleById(o.rules, 'traffic.series');
  const covRule = ruleById(o.rules, 'traffic.coverage');
  const eq = EDGE_QUERY(o.window);
  const http = answers.get(eq);
  const tcp = answers.get(TCP_QUERY(o.window));
  const scope = o.namespace ?? 'all namespaces';
  const ev = (r: RuleSpec, read: string, value: string) => [{ source: 'prometheus' as const, read, value, threshold: '' }];
  if (!http || !http.ok) {
    const err = http && !http.ok ? http.error : 'not queried';
    return [{ kind: 'traffic', scope, verdict: 'UNKNOWN', checks: [{ id: seriesRule.id, title: seriesRule.title, verdict: 'UNKNOWN', message: err, evidence: ev(seriesRule, eq, 'not read') }] }];
  }
  const { rows, problems } = edgeRows(http.samples, tcp?.ok ? tcp.samples : []);
  const inScope = rows.filter((r) => !o.namespace || r.sourceNamespace === o.namespace || r.destNamespace === o.namespace || r.destHost.split('.')[1] === o.namespace);
  const checks: Check[] = [];
  if (problems.noReporter) {
    checks.push({ id: seriesRule.id, title: seriesRule.title, verdict: 'UNKNOWN', message: 'istio_requests_total has no reporter label in this Prometheus (dropped by relabeling or the Telemetry API): the source and destination sides cannot be told apart', evidence: ev(seriesRule, eq, 'label missing') });
    return [{ kind: 'traffic', scope, verdict: 'UNKNOWN', checks }];
  }
  if (inScope.length === 0) {
    checks.push({ id: seriesRule.id, title: seriesRule.title, verdict: 'UNKNOWN', message: `no istio_requests_total series ${o.namespace ? `for ${o.namespace} ` : ''}in the last ${o.window}: no traffic, or Prometheus does not scrape the proxies`, evidence: ev(seriesRule, eq, 'absent') });
    return [{ kind: 'traffic', scope, verdict: 'UNKNOWN', checks }];
  }
  const edges = new Set(inScope.map((r) => `${r.sourceWorkload}.${r.sourceNamespace}|${r.destService}.${r.destNamespace}|${r.destHost}|${r.protocol}`));
  checks.push(
    problems.noFlags
      ? { id: seriesRule.id, title: seriesRule.title, verdict: 'UNKNOWN', message: 'istio_requests_total has no response_flags label in this Prometheus: errors cannot be placed on a segment', evidence: ev(seriesRule, eq, 'label missing') }
      : { id: seriesRule.id, title: seriesRule.title, verdict: 'OK', message: `${edges.size} edge(s) with source and destination labels in the last ${o.window}`, evidence: ev(seriesRule, eq, `${inScope.length} series`) },
  );
  // No injected workload in scope: nothing to cover (an "all 0 covered" OK would say nothing).
  if (o.workloads && o.workloads.length > 0) {
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(`${r.sourceWorkload}.${r.sourceNamespace}`);
      // The destination workload is not in the edge key; a service named like its workload counts.
      seen.add(`${r.destService}.${r.destNamespace}`);
    }
    const missing = o.workloads.filter((w) => !seen.has(w));
    checks.push({
      id: covRule.id,
      title: covRule.title,
      verdict: missing.length === 0 ? 'OK' : 'UNKNOWN',
      message: missing.length === 0 ? `all ${o.workloads.length} injected workloads have request metrics` : `${missing.length} of ${o.workloads.length} injected workloads have no request metrics in the last ${o.window} (idle, or not scraped): ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
      evidence: ev(covRule, eq, `${o.workloads.length - missing.length} of ${o.workloads.length}`),
    });
  }
  const traffic: Segment = { kind: 'traffic', scope, verdict: checks.some((c) => c.verdict === 'UNKNOWN') ? 'UNKNOWN' : 'OK', checks };
  const ls = answers.get(LAT_SUM_QUERY(o.window));
  const lc = answers.get(LAT_COUNT_QUERY(o.window));
  const latency = ls?.ok && lc?.ok ? latencyByEdge(ls.samples, lc.samples) : new Map();
  return [traffic, ...judgeEdges(rows, latency, { rules: o.rules, namespace: o.namespace, window: o.window, query: eq, tcpQuery: TCP_QUERY(o.window), latencyQuery: `${LAT_SUM_QUERY(o.window)} / ${LAT_COUNT_QUERY(o.window)}`, problems })];
}
