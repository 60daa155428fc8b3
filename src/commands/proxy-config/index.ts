import { defineCommand, defineGroup, type CommandSpec } from '../../cli/command.js';
import { flagTable, type FlagSpec, type FlagValues } from '../../cli/flags.js';

// Flags and help only: the Envoy extractors load when a subcommand runs (start-up time). The rows,
// printers and filters of each subcommand are the table in ./table.ts, keyed by the names here.

/** The -o formats of the config subcommands: istioctl's "short" tables, json, yaml. */
export const PC_FORMATS = ['short', 'json', 'yaml'] as const;
export type PcFormat = (typeof PC_FORMATS)[number];

const POD = { name: '[pod]', description: 'pod as [type/]name[.namespace] (e.g. productpage-v1-7d4b8.default, deploy/productpage)' };

const source = {
  file: { kind: 'string', flags: '-f, --file <file>', description: 'read a saved Envoy admin response instead of a pod ("-" for stdin)' },
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'per-request timeout for the Envoy admin API', default: '30s', minMs: 1 },
} as const satisfies Record<string, FlagSpec>;

const verbose = { kind: 'bool', flags: '--verbose [bool]', description: 'more columns (default true; --verbose=false for the short form)', default: true } as const satisfies FlagSpec;

/** What a config subcommand's rows and filters get: the flags it declares (the others undefined). */
export interface PcFlags {
  readonly file?: string | undefined;
  readonly timeout: number;
  readonly proxyAdminPort?: number | undefined;
  readonly fqdn?: string | undefined;
  readonly port?: number | undefined;
  readonly subset?: string | undefined;
  readonly direction?: string | undefined;
  readonly address?: string | undefined;
  readonly type?: string | undefined;
  readonly name?: string | undefined;
  readonly cluster?: string | undefined;
  readonly status?: string | undefined;
  readonly withHeaders?: boolean | undefined;
  readonly verbose?: boolean | undefined;
}

type Filters = { readonly [K in Exclude<keyof PcFlags, 'file' | 'timeout' | 'proxyAdminPort'>]?: FlagSpec };

/** The filters `endpoint` and the hidden `eds` share (each adds its own --status). */
const endpointFilters = {
  address: { kind: 'string', flags: '--address <ip>', description: 'only endpoints with this address' },
  port: { kind: 'port', flags: '--port <port>', description: 'only endpoints on this port' },
  cluster: { kind: 'string', flags: '--cluster <name>', description: 'only endpoints of this cluster' },
} as const satisfies Filters;

/** One config subcommand: name, aliases, the config-dump section it reads (see ./table.ts), its filters. */
export interface PcSubcommand {
  readonly name: 'cluster' | 'listener' | 'route' | 'endpoint' | 'eds' | 'secret' | 'bootstrap' | 'ecds' | 'all';
  readonly aliases: readonly string[];
  readonly description: string;
  readonly hidden?: boolean;
  readonly help?: string;
  /** The format without -o (istioctl prints bootstrap as JSON). */
  readonly defaultFormat?: PcFormat;
  readonly filters: Filters;
}

/** proxy-config's subcommands, in help order. */
export const PC_SUBCOMMANDS: readonly PcSubcommand[] = [
  {
    name: 'cluster',
    aliases: ['clusters', 'c'],
    description: 'clusters (upstream services) known to the proxy',
    filters: {
      fqdn: { kind: 'string', flags: '--fqdn <host>', description: 'only clusters whose name contains this host' },
      port: { kind: 'port', flags: '--port <port>', description: 'only clusters for this port' },
      subset: { kind: 'string', flags: '--subset <subset>', description: 'only clusters whose name contains this subset' },
      direction: { kind: 'string', flags: '--direction <dir>', description: 'only inbound or outbound clusters' },
    },
  },
  {
    name: 'listener',
    aliases: ['listeners', 'l'],
    description: 'listeners and their filter chains',
    filters: {
      address: { kind: 'string', flags: '--address <ip>', description: 'only listeners on this address' },
      port: { kind: 'port', flags: '--port <port>', description: 'only listeners on this port' },
      type: { kind: 'string', flags: '--type <type>', description: 'only listeners of this type: HTTP, TCP, HTTP+TCP' },
      verbose,
    },
  },
  {
    name: 'route',
    aliases: ['routes', 'r'],
    description: 'route configurations, virtual hosts and routes',
    filters: {
      name: { kind: 'string', flags: '--name <name>', description: 'only the route configuration with this name (e.g. 9080, http.8080)' },
      verbose,
    },
  },
  {
    name: 'endpoint',
    aliases: ['endpoints', 'ep'],
    description: 'endpoints (hosts) with health and outlier status',
    filters: {
      ...endpointFilters,
      status: { kind: 'string', flags: '--status <status>', description: 'only endpoints with this health status (healthy, unhealthy, draining…)' },
    },
    help: '\nLive, this reads /clusters?format=json. With -f it reads either that, or a config_dump taken with include_eds (EDS view with locality).',
  },
  {
    // istioctl's hidden `eds`: the EDS view (locality, metadata) from config_dump?include_eds.
    name: 'eds',
    aliases: [],
    hidden: true,
    description: 'endpoints from the EDS section of the config dump',
    filters: {
      ...endpointFilters,
      status: { kind: 'string', flags: '--status <status>', description: 'only endpoints with this health status' },
    },
  },
  { name: 'secret', aliases: ['secrets', 's'], description: 'SDS certificates and their validity', filters: {} },
  { name: 'bootstrap', aliases: ['b'], description: 'bootstrap configuration (default -o json; -o short for versions)', defaultFormat: 'json', filters: {} },
  { name: 'ecds', aliases: ['ec'], description: 'extension configurations (Wasm, telemetry filters) delivered by ECDS', filters: {} },
  {
    name: 'all',
    aliases: ['a'],
    description: 'everything: bootstrap, clusters, listeners, routes, secrets, endpoints',
    filters: {
      fqdn: { kind: 'string', flags: '--fqdn <host>', description: 'cluster filter' },
      port: { kind: 'port', flags: '--port <port>', description: 'cluster, listener and endpoint port filter' },
      subset: { kind: 'string', flags: '--subset <subset>', description: 'cluster filter' },
      direction: { kind: 'string', flags: '--direction <dir>', description: 'cluster filter' },
      address: { kind: 'string', flags: '--address <ip>', description: 'listener and endpoint filter' },
      type: { kind: 'string', flags: '--type <type>', description: 'listener filter' },
      name: { kind: 'string', flags: '--name <name>', description: 'route filter' },
      cluster: { kind: 'string', flags: '--cluster <name>', description: 'endpoint filter' },
      status: { kind: 'string', flags: '--status <status>', description: 'endpoint filter' },
      withHeaders: { kind: 'switch', flags: '--with-headers', description: 'print a title before each section', default: false },
      verbose,
    },
    help: `
-o json|yaml prints the whole config dump as Envoy wrote it (snake_case field names), as istioctl does.

Exit code with the default short output: 0 when the dump was read, also when it lacks a section
(EDS in a dump saved without ?include_eds, secrets of a proxy without SDS). The missing section is
named on stderr ("Warning: endpoints info: …") and the others are printed. istioctl instead stops
at the first missing section with exit 1, after printing the sections before it.`,
  },
];

function configSubcommand(row: PcSubcommand): CommandSpec {
  return defineCommand({
    name: row.name,
    aliases: row.aliases,
    description: row.description,
    ...(row.hidden ? { hidden: true } : {}),
    ...(row.help ? { help: row.help } : {}),
    args: [POD],
    flags: { ...source, ...row.filters } as typeof source,
    formats: PC_FORMATS,
    ...(row.defaultFormat ? { defaultFormat: row.defaultFormat } : {}),
    load: async () => (await import('./action.js')).configImplementation(row.name),
  });
}

export const pcLogFlags = flagTable({
  selector: { kind: 'string', flags: '-l, --selector <selector>', description: 'every running pod matching this label selector' },
  file: { kind: 'string', flags: '-f, --file <file>', description: 'read a saved /logging response' },
  level: { kind: 'string', flags: '--level <level>', description: 'a level for every logger (trace, debug, info, warning, error, critical, off) or logger:level,...' },
  reset: { kind: 'switch', flags: '-r, --reset', description: 'set every logger back to warning (the Istio default)', default: false },
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'per-request timeout for the Envoy admin API', default: '30s', minMs: 1 },
  concurrency: { kind: 'int', flags: '--concurrency <n>', description: 'pods handled at once with -l', default: '10' },
});
export type PcLogFlags = FlagValues<typeof pcLogFlags> & { proxyAdminPort?: number | undefined };

export const proxyConfigCommand = defineGroup({
  name: 'proxy-config',
  aliases: ['pc'],
  description: "Show the Envoy configuration of a pod's sidecar or gateway (or of a saved config_dump)",
  flags: flagTable({ proxyAdminPort: { kind: 'port', flags: '--proxy-admin-port <port>', description: 'Envoy admin port in the pod', default: '15000' } }),
  help: `
Output (-o): short (tables, default), json, yaml. Data comes from the pod's Envoy admin API through a
port-forward, asking only for the part a subcommand needs; -f reads a saved response instead.

Examples:
  istio-ts pc cluster productpage-v1-7d4b8.default --fqdn reviews --direction outbound
  istio-ts pc listener deploy/istio-ingressgateway -n istio-system --port 8080
  kubectl exec POD -c istio-proxy -- curl -s 'localhost:15000/config_dump?include_eds' > dump.json
  istio-ts pc all -f dump.json`,
  subcommands: [
    ...PC_SUBCOMMANDS.map(configSubcommand),
    defineCommand({
      name: 'log',
      aliases: ['o'],
      description: "show or change a proxy's Envoy log levels",
      args: [{ name: '[pod]', description: 'pod as [type/]name[.namespace]' }],
      flags: pcLogFlags,
      formats: ['short'],
      load: async () => (await import('./action.js')).logImplementation,
    }),
  ],
});
