/** Text and structured output of `proxy-status` (table, JSON, YAML) and the config diff. */
import type { DumpComparison } from '../../envoy/compare.js';
import { CORE_TYPES, orderTypes, typeUrlOf, type ProxySync, type TypeSync, type VersionCount, type VersionSkew } from '../../envoy/syncz.js';
import { renderTable } from '../../output/table.js';
import { versionCounts } from '../../output/versions.js';

export { versionCounts };

export function stateCell(t: TypeSync | undefined): string {
  if (!t) return 'IGNORED';
  if (t.state === 'STALE' && t.neverAcked) return 'STALE (Never Acknowledged)';
  return t.state;
}

/** k8s.io/apimachinery duration.HumanDuration, which istioctl uses for the age of a sync. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** A cell of the per-type table: the state, and how long ago istiod sent it (istioctl: "SYNCED (5m)"). */
function verboseCell(t: TypeSync | undefined, now: Date): string {
  const cell = stateCell(t);
  if (!t || t.state === 'IGNORED' || t.state === 'NOT SENT' || !t.lastSent) return cell;
  const at = Date.parse(t.lastSent);
  return Number.isNaN(at) ? cell : `${cell} (${humanDuration(now.getTime() - at)})`;
}

/** The types a proxy subscribes to, as istioctl 1.31 prints them: "5 (CDS,LDS,EDS,RDS,ECDS)", or "0". */
export function subscribedTypes(p: ProxySync): string {
  const subscribed = orderTypes(Object.keys(p.types)).filter((t) => p.types[t]!.state !== 'IGNORED');
  return subscribed.length === 0 ? '0' : `${subscribed.length} (${subscribed.join(',')})`;
}

/** With istiods of more than one revision answering, a REVISION column says which one each proxy talks to. */
function revisionColumn(rows: readonly ProxySync[]): boolean {
  return new Set(rows.map((p) => p.revision ?? '')).size > 1;
}

/**
 * istioctl 1.31's default table: NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES (tabwriter padding 5),
 * plus REVISION after ISTIOD when proxies talk to more than one control plane revision.
 */
export function renderStatusTable(rows: readonly ProxySync[]): string {
  const rev = revisionColumn(rows);
  const header = ['NAME', 'CLUSTER', 'ISTIOD', ...(rev ? ['REVISION'] : []), 'VERSION', 'SUBSCRIBED TYPES'];
  return renderTable(
    header,
    rows.map((p) => [p.proxy, p.cluster, p.istiod, ...(rev ? [p.revision ?? ''] : []), p.version, subscribedTypes(p)]),
    { padding: 5 },
  );
}

/**
 * istioctl's `-v 1` table: one column per xDS type (every type seen plus CDS, LDS, EDS, RDS, ECDS),
 * sorted by type URL; a type the proxy does not watch is IGNORED; a sent type shows its age.
 */
export function renderVerboseTable(rows: readonly ProxySync[], now: Date): string {
  const seen = new Set<string>(CORE_TYPES);
  for (const p of rows) for (const t of Object.keys(p.types)) seen.add(t);
  const types = [...seen].sort((a, b) => {
    const ua = typeUrlOf(a);
    const ub = typeUrlOf(b);
    return ua < ub ? -1 : ua > ub ? 1 : 0;
  });
  const rev = revisionColumn(rows);
  const header = ['NAME', 'CLUSTER', ...types, 'ISTIOD', ...(rev ? ['REVISION'] : []), 'VERSION'];
  return renderTable(
    header,
    rows.map((p) => [p.proxy, p.cluster, ...types.map((t) => verboseCell(p.types[t], now)), p.istiod, ...(rev ? [p.revision ?? ''] : []), p.version]),
    { padding: 5 },
  );
}

/** The NACK messages behind ERROR cells; "" when there are none. */
export function renderNacks(rows: readonly ProxySync[]): string {
  const lines: string[] = [];
  for (const p of rows) {
    let nack = false;
    for (const t in p.types) if (p.types[t]!.state === 'ERROR') nack = true;
    if (!nack) continue;
    for (const [type, t] of Object.entries(p.types).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (t.state === 'ERROR') lines.push(`  ${p.proxy} ${type}: ${(t.error ?? '').replace(/\s+/g, ' ').trim()}`);
    }
  }
  return lines.length ? `\nRejected by the proxy (NACK):\n${lines.join('\n')}\n` : '';
}

/** The skew summary, printed only when some proxy's minor version matches no control plane's. */
export function renderSkew(s: VersionSkew): string {
  if (s.skewedProxies === 0) return '';
  return (
    `\nVersion skew: ${s.skewedProxies} ${s.skewedProxies === 1 ? 'proxy runs' : 'proxies run'} a minor version no control plane runs\n` +
    `  control plane: ${versionCounts(s.controlPlane, 'istiod pod')}\n` +
    `  data plane:    ${versionCounts(s.dataPlane, 'proxy')}\n`
  );
}

/** Go's time.RFC1123 ("Mon, 02 Jan 2006 15:04:05 UTC"), in UTC so output does not depend on TZ. */
export function rfc1123(iso: string): string {
  return new Date(iso).toUTCString().replace(/GMT$/, 'UTC');
}

/** What istioctl prints for `proxy-status <pod>`. */
export function renderComparison(c: DumpComparison): string {
  const part = (what: string, s: { match: boolean; diff: string }, suffix = '') => (s.match ? `${what} Match${suffix}\n` : `${what} Don't Match${suffix}\n${s.diff}\n`);
  const rds = c.routesLastLoaded ? ` (RDS last loaded at ${rfc1123(c.routesLastLoaded)})` : '';
  return part('Clusters', c.clusters) + part('Listeners', c.listeners) + part('Routes', c.routes, rds);
}

export async function renderStructured(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  // yaml loads only for -o yaml: most runs print a table (start-up time).
  const { stringify } = await import('yaml');
  return stringify(value, { lineWidth: 0 });
}
