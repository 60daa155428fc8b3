/** Text for `proxy-config`: istioctl's tables (same columns, rows and spacing) and JSON/YAML. */
import type { BootstrapSummary } from '../../envoy/bootstrap.js';
import type { ClusterRow } from '../../envoy/clusters.js';
import type { EcdsRow } from '../../envoy/ecds.js';
import type { EdsRow } from '../../envoy/eds.js';
import type { HostRow } from '../../envoy/host-status.js';
import type { ListenerRow } from '../../envoy/listeners.js';
import { toProtoJson } from '../../envoy/protojson.js';
import { goYaml } from '../../output/go-yaml.js';
import type { RouteRow } from '../../envoy/routes.js';
import type { SecretRow } from '../../envoy/secrets.js';
import { renderTable } from '../../output/table.js';
import { redactKeyMaterial } from '../../envoy/redact.js';

/** In `proxy-config all`, every row gets a NAME column naming its kind (cluster/…, listener/…). */
export interface SummaryStyle {
  withType: boolean;
}

export function renderClusters(rows: readonly ClusterRow[], s: SummaryStyle): string {
  const header = ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'];
  const body = rows.map((r) => {
    const cells = [r.fqdn, r.port, r.subset, r.direction, r.type, r.destinationRule];
    if (!s.withType) return cells;
    const name = `cluster/${r.name}`;
    // istioctl shows the prefixed name in SERVICE FQDN too for clusters that are not
    // direction|port|subset|host keys.
    if (r.port === '-') cells[0] = name;
    return [name, ...cells];
  });
  return renderTable(s.withType ? ['NAME', ...header] : header, body, { padding: 5 });
}

export function renderListeners(rows: readonly ListenerRow[], verbose: boolean, s: SummaryStyle): string {
  const header = verbose ? ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'] : ['ADDRESSES', 'PORT', 'TYPE'];
  const body = rows.map((r) => {
    const cells = verbose ? [r.addresses, String(r.port), r.match, r.destination] : [r.addresses, String(r.port), r.type];
    return s.withType ? [`listener/${r.name}`, ...cells] : cells;
  });
  return renderTable(s.withType ? ['NAME', ...header] : header, body, { padding: 1 });
}

export function renderRoutes(rows: readonly RouteRow[], verbose: boolean, s: SummaryStyle): string {
  const name = (r: RouteRow) => (s.withType ? `route/${r.name}` : r.name);
  if (!verbose) {
    return renderTable(['NAME', 'VIRTUAL HOSTS'], rows.map((r) => [name(r), String(r.virtualHosts)]), { padding: 5 });
  }
  return renderTable(
    ['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'],
    rows.map((r) => [name(r), r.vhost, r.domains, r.match, r.virtualService]),
    { padding: 5 },
  );
}

export function renderEds(rows: readonly EdsRow[], s: SummaryStyle): string {
  return renderTable(
    ['NAME', 'STATUS', 'LOCALITY', 'CLUSTER'],
    rows.map((r) => [s.withType ? `endpoint/${r.address}` : r.address, r.status, r.locality, r.cluster]),
    { padding: 5 },
  );
}

export function renderHosts(rows: readonly HostRow[]): string {
  return renderTable(
    ['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'],
    rows.map((r) => [r.port ? `${r.address}:${r.port}` : r.address, r.status, r.outlierCheck, r.cluster]),
    { padding: 5 },
  );
}

export function renderSecrets(rows: readonly SecretRow[], s: SummaryStyle): string {
  if (rows.length === 0) return 'No active or warming secrets found.\n';
  // istioctl adds TRUST DOMAIN only when the proxy validates with SPIFFE trust bundles.
  const withTrust = rows.some((r) => r.spiffeBundle);
  const header = ['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE', ...(withTrust ? ['TRUST DOMAIN'] : [])];
  const body = rows.map((r) => [
    s.withType ? `secret/${r.name}` : r.name,
    r.type,
    r.status,
    String(r.valid),
    r.serialNumber,
    r.notAfter,
    r.notBefore,
    ...(withTrust ? [r.trustDomain] : []),
  ]);
  return renderTable(header, body, { padding: 5 });
}

export function renderBootstrapSummary(b: BootstrapSummary): string {
  const rows: string[][] = [];
  if (b.istioVersion) rows.push(['Istio Version:', b.istioVersion]);
  if (b.istioProxySha) rows.push(['Istio Proxy Version:', b.istioProxySha]);
  if (b.envoyVersion) rows.push(['Envoy Version:', b.envoyVersion]);
  return renderTable(null, rows, { padding: 1 });
}

export function renderEcds(rows: readonly EcdsRow[]): string {
  return renderTable(['ECDS NAME', 'TYPE'], rows.map((r) => [r.name, r.type]), { padding: 5 });
}

/** istioctl prints protos with protojson names, 4-space indent; YAML is the same document. */
/** -o json / -o yaml: never with key material (see envoy/redact.ts), whatever the source. */
export function renderStructured(value: unknown, format: 'json' | 'yaml'): string {
  const v = toProtoJson(redactKeyMaterial(value));
  if (format === 'json') return `${JSON.stringify(v, null, 4)}\n`;
  // istioctl prints JSONToYAML's text with Fprintln: one blank line at the end.
  return `${goYaml(v)}\n`;
}

export function sectionHeader(title: string): string {
  return `------ ${title} ------\n\n`;
}
