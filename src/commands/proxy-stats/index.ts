import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

// Flags and help only; the stats parsers load when the command runs (start-up time).
export const proxyStatsFlags = flagTable({
  file: { kind: 'list', flags: '-f, --file <file>', description: 'a saved /stats, /stats?format=json, /clusters or /clusters?format=json response (repeatable with --summary)' },
  selector: { kind: 'string', flags: '-l, --selector <selector>', description: 'every running pod matching this label selector' },
  type: { kind: 'string', flags: '--type <type>', description: 'server (the /stats endpoint) or clusters (the /clusters endpoint)', default: 'server' },
  filter: { kind: 'string', flags: '--filter <regexp>', description: 'only stats whose name matches this regular expression' },
  summary: { kind: 'switch', flags: '--summary', description: 'per upstream cluster: connect failures, 5xx, overflows, timeouts, retries, ejections, healthy hosts', default: false },
  includeInternal: { kind: 'switch', flags: '--include-internal', description: 'with --summary, also list xds-grpc, agent and passthrough clusters', default: false },
  proxyAdminPort: { kind: 'port', flags: '--proxy-admin-port <port>', description: 'Envoy admin port in the pod', default: '15000' },
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'per-request timeout for the Envoy admin API', default: '30s', minMs: 1 },
  concurrency: { kind: 'int', flags: '--concurrency <n>', description: 'pods handled at once with -l', default: '10' },
});
export type ProxyStatsFlags = FlagValues<typeof proxyStatsFlags>;
export const PROXY_STATS_FORMATS = ['short', 'json', 'prom'] as const;
export type ProxyStatsFormat = (typeof PROXY_STATS_FORMATS)[number];

export const proxyStatsCommand = defineCommand({
  name: 'proxy-stats',
  description: "Show a proxy's Envoy statistics, or a per-cluster failure summary (--summary)",
  args: [{ name: '[pod]', description: 'pod as [type/]name[.namespace]' }],
  flags: proxyStatsFlags,
  formats: PROXY_STATS_FORMATS,
  help: `
Output (-o): short (default), json, prom (server stats in Prometheus format; live only).

Examples:
  istio-ts proxy-stats productpage-v1-7d4b8.default --filter 'upstream_rq_5xx|cx_connect_fail'
  istio-ts proxy-stats deploy/reviews --summary
  istio-ts proxy-stats --summary -f stats.txt -f clusters.json`,
  load: async () => (await import('./action.js')).implementation,
});
