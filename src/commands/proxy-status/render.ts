/** Text and structured output of `proxy-status` (table, JSON, YAML) and the config diff. */
import { stringify as toYaml } from 'yaml';
import type { DumpComparison } from '../../envoy/compare.js';
import { CORE_TYPES, type ProxySync, type TypeSync, type VersionCount, type VersionSkew } from '../../envoy/syncz.js';
import { renderTable } from '../../output/table.js';

export function stateCell(t: TypeSync | undefined): string {
  if (!t) return 'NOT SENT';
  if (t.state === 'STALE' && t.neverAcked) return 'STALE (Never Acknowledged)';
  return t.state;
}

/** istioctl's table: NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION (tabwriter padding 5). */
export function renderStatusTable(rows: readonly ProxySync[]): string {
  const header = ['NAME', 'CLUSTER', ...CORE_TYPES, 'ISTIOD', 'VERSION'];
  return renderTable(
    header,
    rows.map((p) => [p.proxy, p.cluster, ...CORE_TYPES.map((t) => stateCell(p.types[t])), p.istiod, p.version]),
    { padding: 5 },
  );
}

/** The NACK messages behind ERROR cells; "" when there are none. */
export function renderNacks(rows: readonly ProxySync[]): string {
  const lines: string[] = [];
  for (const p of rows) {
    for (const [type, t] of Object.entries(p.types).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (t.state === 'ERROR') lines.push(`  ${p.proxy} ${type}: ${(t.error ?? '').replace(/\s+/g, ' ').trim()}`);
    }
  }
  return lines.length ? `\nRejected by the proxy (NACK):\n${lines.join('\n')}\n` : '';
}

const PLURAL: Record<string, string> = { proxy: 'proxies', 'istiod pod': 'istiod pods' };

/** "1.24.2 (3 proxies), 1.23.1 (1 proxy)", newest first. */
export function versionCounts(vs: readonly VersionCount[], unit: 'proxy' | 'istiod pod'): string {
  return vs.map((v) => `${v.version || 'unknown'} (${v.count} ${v.count === 1 ? unit : PLURAL[unit]})`).join(', ');
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

export function renderStructured(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value, { lineWidth: 0 });
}
