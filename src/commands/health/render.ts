/** Text, JSON and JUnit output of `health`, and the one-line-per-change form of --watch. */
import { EDGE_SEGMENTS, type Check, type HealthReport, type Segment, type Verdict } from '../../health/model.js';
import type { Painter } from '../../output/paint.js';
import { renderTable } from '../../output/table.js';

const MESH_KINDS = new Set(['control-plane', 'sidecars', 'traffic']);

function paintVerdict(v: Verdict, p: Painter): string {
  if (v === 'OK') return p.ok(v);
  if (v === 'FAIL') return p.error(v);
  if (v === 'DEGRADED') return p.warning(v);
  return p.dim(v);
}

export function renderTableReport(r: HealthReport, p: Painter): string {
  const lines: string[] = [];
  const prom = r.prometheus.how === 'none' || r.prometheus.error ? `Prometheus: none (${r.prometheus.error ?? 'not given'})` : `Prometheus: ${r.prometheus.url}`;
  lines.push(`Istio segment health: ${paintVerdict(r.verdict, p)}  (${r.namespace ? `namespace ${r.namespace}` : 'all namespaces'}; window ${r.window} ending ${r.at}${r.historical ? ', --at: Prometheus history only' : ''}; ${prom})`);
  lines.push('');
  const mesh = r.segments.filter((s) => MESH_KINDS.has(s.kind));
  const rows: string[][] = [];
  for (const s of mesh) {
    s.checks.forEach((c, i) => rows.push([i === 0 ? s.kind : '', i === 0 ? paintVerdict(s.verdict, p) : '', paintVerdict(c.verdict, p), c.title, oneLine(c.message, 110)]));
    if (s.checks.length === 0) rows.push([s.kind, paintVerdict(s.verdict, p), '', '(nothing in scope)', '']);
  }
  lines.push(renderTable(['SEGMENT', 'VERDICT', 'CHECK', 'WHAT', 'FINDING'], rows).trimEnd());

  const edges = edgeMatrix(r.segments);
  if (edges.length > 0) {
    lines.push('');
    lines.push(renderTable(['EDGE', 'CLIENT SIDECAR/GATEWAY', 'NETWORK', 'SERVER SIDECAR', 'SERVER APP'], edges.map((e) => [e.scope, ...e.cells.map((v) => (v ? paintVerdict(v, p) : '-'))])).trimEnd());
  }

  const notOk = r.segments.flatMap((s) => s.checks.filter((c) => c.verdict !== 'OK').map((c) => ({ s, c })));
  if (notOk.length > 0) {
    lines.push('');
    lines.push('Not OK:');
    for (const { s, c } of notOk) {
      lines.push(`  ${paintVerdict(c.verdict, p)} ${s.kind}${MESH_KINDS.has(s.kind) ? '' : ` ${s.scope}`}: ${c.message}`);
      for (const e of c.evidence) lines.push(p.dim(`      ${e.source}: ${e.read} = ${e.value}${e.threshold ? `  [${e.threshold}]` : ''}`));
      if (c.next) lines.push(`      next: ${c.next}`);
    }
  }
  return lines.join('\n') + '\n';
}

function oneLine(s: string, max: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** One row per edge: the verdicts of its client-side, network, server-sidecar and server-app segments. */
export function edgeMatrix(segments: readonly Segment[]): { scope: string; cells: (Verdict | undefined)[] }[] {
  const by = new Map<string, Map<string, Verdict>>();
  for (const s of segments) {
    if (!EDGE_SEGMENTS.includes(s.kind)) continue;
    let m = by.get(s.scope);
    if (!m) by.set(s.scope, (m = new Map()));
    m.set(s.kind, s.verdict);
  }
  return [...by.entries()].map(([scope, m]) => ({ scope, cells: [m.get('client-sidecar') ?? m.get('gateway'), m.get('network'), m.get('server-sidecar'), m.get('server-app')] }));
}

export function renderJson(r: HealthReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A testsuite per segment, a testcase per check: FAIL/DEGRADED fail, UNKNOWN is skipped (cannot tell). */
export function renderJunit(r: HealthReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = r.segments.flatMap((s) => s.checks);
  const failures = all.filter((c) => c.verdict === 'FAIL' || c.verdict === 'DEGRADED').length;
  const skipped = all.filter((c) => c.verdict === 'UNKNOWN').length;
  out.push(`<testsuites name="istio-ts health" tests="${all.length}" failures="${failures}" skipped="${skipped}" timestamp="${r.at}">`);
  for (const s of r.segments) {
    const f = s.checks.filter((c) => c.verdict === 'FAIL' || c.verdict === 'DEGRADED').length;
    const k = s.checks.filter((c) => c.verdict === 'UNKNOWN').length;
    out.push(`  <testsuite name="${xml(`${s.kind} ${s.scope}`)}" tests="${s.checks.length}" failures="${f}" skipped="${k}">`);
    for (const c of s.checks) {
      const body = caseBody(c);
      out.push(`    <testcase classname="${xml(`${s.kind}.${s.scope}`)}" name="${xml(`${c.id}: ${c.title}`)}">${body}</testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function caseBody(c: Check): string {
  const detail = [...c.evidence.map((e) => `${e.source}: ${e.read} = ${e.value}${e.threshold ? ` [${e.threshold}]` : ''}`), ...(c.next ? [`next: ${c.next}`] : [])].join('\n');
  if (c.verdict === 'OK') return '';
  if (c.verdict === 'UNKNOWN') return `<skipped message="${xml(`UNKNOWN: ${c.message}`)}"/>`;
  return `<failure type="${c.verdict}" message="${xml(c.message)}">${xml(detail)}</failure>`;
}

/** --watch when piped: one line per segment whose verdict changed (every segment on the first pass). */
export function changeLines(prev: HealthReport | undefined, cur: HealthReport): string[] {
  const key = (s: Segment) => `${s.kind} ${s.scope}`;
  const before = new Map((prev?.segments ?? []).map((s) => [key(s), s]));
  const lines: string[] = [];
  for (const s of cur.segments) {
    const old = before.get(key(s));
    before.delete(key(s));
    if (old && old.verdict === s.verdict) continue;
    const why = s.checks.find((c) => c.verdict === s.verdict && c.verdict !== 'OK') ?? s.checks[0];
    lines.push(`${cur.at} ${s.kind}${MESH_KINDS.has(s.kind) ? '' : ` ${s.scope}`}: ${old ? `${old.verdict} -> ` : ''}${s.verdict}${why ? ` (${oneLine(why.message, 160)})` : ''}`);
  }
  for (const s of before.values()) lines.push(`${cur.at} ${s.kind}${MESH_KINDS.has(s.kind) ? '' : ` ${s.scope}`}: ${s.verdict} -> gone`);
  return lines;
}
