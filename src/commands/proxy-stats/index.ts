import type { Command } from 'commander';
import { collect } from '../../cli/flags.js';
import type { Bind, CommandModule } from '../../cli/command.js';

// Flags and help only; the stats parsers load when the command runs (start-up time).

export const proxyStatsCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('proxy-stats')
      .description("Show a proxy's Envoy statistics, or a per-cluster failure summary (--summary)")
      .argument('[pod]', 'pod as [type/]name[.namespace]')
      .option('-f, --file <file>', 'a saved /stats, /stats?format=json, /clusters or /clusters?format=json response (repeatable with --summary)', collect, [])
      .option('-l, --selector <selector>', 'every running pod matching this label selector')
      .option('--type <type>', 'server (the /stats endpoint) or clusters (the /clusters endpoint)', 'server')
      .option('--filter <regexp>', 'only stats whose name matches this regular expression')
      .option('--summary', 'per upstream cluster: connect failures, 5xx, overflows, timeouts, retries, ejections, healthy hosts', false)
      .option('--include-internal', 'with --summary, also list xds-grpc, agent and passthrough clusters', false)
      .option('--proxy-admin-port <port>', 'Envoy admin port in the pod', '15000')
      .option('--timeout <duration>', 'per-request timeout for the Envoy admin API', '30s')
      .option('--concurrency <n>', 'pods handled at once with -l', '10')
      .addHelpText(
        'after',
        `
Output (-o): short (default), json, prom (server stats in Prometheus format; live only).

Examples:
  istio-ts proxy-stats productpage-v1-7d4b8.default --filter 'upstream_rq_5xx|cx_connect_fail'
  istio-ts proxy-stats deploy/reviews --summary
  istio-ts proxy-stats --summary -f stats.txt -f clusters.json`,
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runProxyStats(ctx, cmd)));
  },
};
