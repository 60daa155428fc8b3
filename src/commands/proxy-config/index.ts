import { Option, type Command } from 'commander';
import type { Bind, CommandModule, Handler } from '../../cli/command.js';
import { parseBoolFlag } from '../../cli/flags.js';

// Flags and help only: the Envoy extractors load when a subcommand runs (start-up time).
type Action = typeof import('./action.js');
const lazy =
  (name: keyof Action): Handler =>
  async (ctx, cmd) =>
    ((await import('./action.js'))[name] as Handler)(ctx, cmd);

function common(c: Command): Command {
  return c
    .argument('[pod]', 'pod as [type/]name[.namespace] (e.g. productpage-v1-7d4b8.default, deploy/productpage)')
    .option('-f, --file <file>', 'read a saved Envoy admin response instead of a pod ("-" for stdin)')
    .option('--timeout <duration>', 'per-request timeout for the Envoy admin API', '30s');
}

const verboseOpt = () => new Option('--verbose [bool]', 'more columns (default true; --verbose=false for the short form)').argParser(parseBoolFlag('--verbose')).default(true);

export const proxyConfigCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    const pc = program
      .command('proxy-config')
      .alias('pc')
      .description("Show the Envoy configuration of a pod's sidecar or gateway (or of a saved config_dump)")
      .option('--proxy-admin-port <port>', 'Envoy admin port in the pod', '15000')
      .addHelpText(
        'after',
        `
Output (-o): short (tables, default), json, yaml. Data comes from the pod's Envoy admin API through a
port-forward, asking only for the part a subcommand needs; -f reads a saved response instead.

Examples:
  istio-ts pc cluster productpage-v1-7d4b8.default --fqdn reviews --direction outbound
  istio-ts pc listener deploy/istio-ingressgateway -n istio-system --port 8080
  kubectl exec POD -c istio-proxy -- curl -s 'localhost:15000/config_dump?include_eds' > dump.json
  istio-ts pc all -f dump.json`,
      );

    common(pc.command('cluster').aliases(['clusters', 'c']).description('clusters (upstream services) known to the proxy'))
      .option('--fqdn <host>', 'only clusters whose name contains this host')
      .option('--port <port>', 'only clusters for this port')
      .option('--subset <subset>', 'only clusters whose name contains this subset')
      .option('--direction <dir>', 'only inbound or outbound clusters')
      .action(bind(lazy('runCluster')));

    common(pc.command('listener').aliases(['listeners', 'l']).description('listeners and their filter chains'))
      .option('--address <ip>', 'only listeners on this address')
      .option('--port <port>', 'only listeners on this port')
      .option('--type <type>', 'only listeners of this type: HTTP, TCP, HTTP+TCP')
      .addOption(verboseOpt())
      .action(bind(lazy('runListener')));

    common(pc.command('route').aliases(['routes', 'r']).description('route configurations, virtual hosts and routes'))
      .option('--name <name>', 'only the route configuration with this name (e.g. 9080, http.8080)')
      .addOption(verboseOpt())
      .action(bind(lazy('runRoute')));

    common(pc.command('endpoint').aliases(['endpoints', 'ep']).description('endpoints (hosts) with health and outlier status'))
      .option('--address <ip>', 'only endpoints with this address')
      .option('--port <port>', 'only endpoints on this port')
      .option('--cluster <name>', 'only endpoints of this cluster')
      .option('--status <status>', 'only endpoints with this health status (healthy, unhealthy, draining…)')
      .addHelpText('after', '\nLive, this reads /clusters?format=json. With -f it reads either that, or a config_dump taken with include_eds (EDS view with locality).')
      .action(bind(lazy('runEndpoint')));

    // istioctl's hidden `eds`: the EDS view (locality, metadata) from config_dump?include_eds.
    common(pc.command('eds', { hidden: true }).description('endpoints from the EDS section of the config dump'))
      .option('--address <ip>', 'only endpoints with this address')
      .option('--port <port>', 'only endpoints on this port')
      .option('--cluster <name>', 'only endpoints of this cluster')
      .option('--status <status>', 'only endpoints with this health status')
      .action(bind(lazy('runEds')));

    common(pc.command('secret').aliases(['secrets', 's']).description('SDS certificates and their validity')).action(bind(lazy('runSecret')));

    common(pc.command('bootstrap').alias('b').description('bootstrap configuration (default -o json; -o short for versions)')).action(bind(lazy('runBootstrap')));

    common(pc.command('ecds').alias('ec').description('extension configurations (Wasm, telemetry filters) delivered by ECDS')).action(bind(lazy('runEcds')));

    common(pc.command('all').alias('a').description('everything: bootstrap, clusters, listeners, routes, secrets, endpoints'))
      .option('--fqdn <host>', 'cluster filter')
      .option('--port <port>', 'cluster, listener and endpoint port filter')
      .option('--subset <subset>', 'cluster filter')
      .option('--direction <dir>', 'cluster filter')
      .option('--address <ip>', 'listener and endpoint filter')
      .option('--type <type>', 'listener filter')
      .option('--name <name>', 'route filter')
      .option('--cluster <name>', 'endpoint filter')
      .option('--status <status>', 'endpoint filter')
      .option('--with-headers', 'print a title before each section', false)
      .addOption(verboseOpt())
      .addHelpText(
        'after',
        `
-o json|yaml prints the whole config dump as Envoy wrote it (snake_case field names), as istioctl does.

Exit code with the default short output: 0 when the dump was read, also when it lacks a section
(EDS in a dump saved without ?include_eds, secrets of a proxy without SDS). The missing section is
named on stderr ("Warning: endpoints info: …") and the others are printed. istioctl instead stops
at the first missing section with exit 1, after printing the sections before it.`,
      )
      .action(bind(lazy('runAll')));

    pc.command('log')
      .alias('o')
      .description("show or change a proxy's Envoy log levels")
      .argument('[pod]', 'pod as [type/]name[.namespace]')
      .option('-l, --selector <selector>', 'every running pod matching this label selector')
      .option('-f, --file <file>', 'read a saved /logging response')
      .option('--level <level>', 'a level for every logger (trace, debug, info, warning, error, critical, off) or logger:level,...')
      .option('-r, --reset', 'set every logger back to warning (the Istio default)', false)
      .option('--timeout <duration>', 'per-request timeout for the Envoy admin API', '30s')
      .option('--concurrency <n>', 'pods handled at once with -l', '10')
      .action(bind(lazy('runLog')));
  },
};
