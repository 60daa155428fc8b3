/**
 * proxy-config's subcommands as a table: for each (declared in ./index.ts with its section and
 * filters), how it reads the config-dump section, builds rows, and prints them. One pipeline
 * (configImplementation) runs every row: open the admin source, read, print per -o.
 */
import type { Implementation } from '../../cli/command.js';
import { openAdminSources, withAdmins } from '../../cli/admin.js';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../cli/errors.js';
import { mapLimit, type EnvoyAdmin } from '../../envoy/admin.js';
import { bootstrapSection, bootstrapSummary } from '../../envoy/bootstrap.js';
import { clusterRows, filterClusters, listClusters } from '../../envoy/clusters.js';
import { MASK, MissingSectionError, parseConfigDump, requireSection, type ConfigDump, type Obj, type SectionName } from '../../envoy/configdump.js';
import { ecdsRows, ecdsSection } from '../../envoy/ecds.js';
import { edsForOutput, edsRows, listEds, type EndpointFilter } from '../../envoy/eds.js';
import { filterClustersJson, hostRows, parseClustersJson } from '../../envoy/host-status.js';
import { filterListeners, listenerRows, listListeners } from '../../envoy/listeners.js';
import { levelChangePaths, normalizeLevel, parseLevelArg, parseLogging } from '../../envoy/logging.js';
import { hasUnredactedKeyMaterial, mayHoldKeyMaterial, redactKeyMaterial } from '../../envoy/redact.js';
import { filterRoutes, listRoutes, routeRows } from '../../envoy/routes.js';
import { listSecrets, redactSecrets } from '../../envoy/secrets.js';
import { validateSource } from '../../envoy/source.js';
import { goYaml } from '../../output/go-yaml.js';
import type { PcFlags, PcFormat, PcLogFlags, PcSubcommand } from './index.js';
import * as R from './render.js';

type Structured = 'json' | 'yaml';

/** One row of the table: what a subcommand reads and how it prints it. */
interface Row<D> {
  /** The config-dump section it reads (the admin query is MASK[section]). */
  readonly section: SectionName;
  /** Reads and filters (`admin` is the pod's Envoy or a saved file). */
  read(admin: EnvoyAdmin, f: PcFlags, env: ReadEnv): Promise<D>;
  /** -o short: istioctl's table. */
  short(d: D, f: PcFlags): string;
  /** -o json / yaml. */
  structured(d: D, format: Structured): string;
}

interface ReadEnv {
  readonly ctx: CommandContext;
  readonly format: PcFormat;
}

const summary = { withType: false };

async function dumpOf(admin: EnvoyAdmin, section: SectionName): Promise<ConfigDump> {
  return parseConfigDump(await admin.get(MASK[section]), admin.target);
}

const clusterFilter = (f: PcFlags) => ({ ...(f.fqdn ? { fqdn: f.fqdn } : {}), ...(f.subset ? { subset: f.subset } : {}), ...(f.direction ? { direction: f.direction } : {}), port: f.port ?? 0 });
const listenerFilter = (f: PcFlags) => ({ ...(f.address ? { address: f.address } : {}), ...(f.type ? { type: f.type } : {}), port: f.port ?? 0 });
const routeFilter = (f: PcFlags) => (f.name ? { name: f.name } : {});
const endpointFilter = (f: PcFlags): EndpointFilter => ({ ...(f.address ? { address: f.address } : {}), ...(f.cluster ? { cluster: f.cluster } : {}), ...(f.status ? { status: f.status } : {}), port: f.port ?? 0 });

/** A row whose data is a list of config objects, printed as a table or structured without "@type". */
function listRow(section: SectionName, list: (dump: ConfigDump, f: PcFlags) => Obj[], short: (objs: Obj[], f: PcFlags) => string): Row<Obj[]> {
  return {
    section,
    read: async (admin, f) => list(await dumpOf(admin, section), f),
    short,
    structured: (objs, format) => R.renderStructured(objs.map(stripType), format),
  };
}

type EndpointData = { kind: 'eds'; eds: Obj[] } | { kind: 'hosts'; text: string; f: PcFlags };

type AllData = { kind: 'short'; text: string } | { kind: 'dump'; text: string; dump: ConfigDump };

/** A row, type-checked with its own data type, then stored with the others. */
const row = <D,>(r: Row<D>): Row<unknown> => r as unknown as Row<unknown>;

/** THE table, keyed by the names declared in ./index.ts. */
const TABLE: { readonly [K in PcSubcommand['name']]: Row<unknown> } = {
  cluster: row(listRow('clusters', (d, f) => filterClusters(listClusters(d), clusterFilter(f)), (c) => R.renderClusters(clusterRows(c), summary))),
  listener: row(listRow('listeners', (d, f) => filterListeners(listListeners(d), listenerFilter(f)), (l, f) => R.renderListeners(listenerRows(l, f.verbose ?? true), f.verbose ?? true, summary))),
  route: row(listRow('routes', (d, f) => filterRoutes(listRoutes(d), routeFilter(f)), (r, f) => R.renderRoutes(routeRows(r, f.verbose ?? true), f.verbose ?? true, summary))),
  endpoint: row({
    section: 'endpoints',
    read: async (admin, f): Promise<EndpointData> => {
      // A saved config_dump (taken with include_eds) gives the EDS view istioctl prints for files.
      if (admin.savedKind === 'config_dump') return { kind: 'eds', eds: listEds(parseConfigDump(await admin.get(MASK.endpoints), admin.target), endpointFilter(f)) };
      return { kind: 'hosts', text: await admin.get('clusters?format=json'), f };
    },
    short: (d: EndpointData) => (d.kind === 'eds' ? R.renderEds(edsRows(d.eds), summary) : R.renderHosts(hostRows(parseClustersJson(d.text), endpointFilter(d.f)))),
    structured: (d: EndpointData, format) => R.renderStructured(d.kind === 'eds' ? edsForOutput(d.eds) : filterClustersJson(d.text, endpointFilter(d.f)), format),
  }),
  eds: row({
    section: 'endpoints',
    read: async (admin, f) => listEds(await dumpOf(admin, 'endpoints'), endpointFilter(f)),
    short: (eds: Obj[]) => R.renderEds(edsRows(eds), summary),
    structured: (eds: Obj[], format) => R.renderStructured(edsForOutput(eds), format),
  }),
  secret: row({
    section: 'secrets',
    read: async (admin, _f, env) => ({ dump: await dumpOf(admin, 'secrets'), now: now(env.ctx) }),
    short: (d: { dump: ConfigDump; now: Date }) => R.renderSecrets(listSecrets(d.dump, d.now), summary),
    structured: (d: { dump: ConfigDump }, format) => R.renderStructured(stripType(redactSecrets(requireSection(d.dump, 'secrets'))), format),
  }),
  bootstrap: row({
    section: 'bootstrap',
    read: (admin) => dumpOf(admin, 'bootstrap'),
    short: (d: ConfigDump) => R.renderBootstrapSummary(bootstrapSummary(d)),
    structured: (d: ConfigDump, format) => R.renderStructured(bootstrapSection(d), format),
  }),
  ecds: row({
    section: 'ecds',
    read: (admin) => dumpOf(admin, 'ecds'),
    short: (d: ConfigDump) => R.renderEcds(ecdsRows(d)),
    structured: (d: ConfigDump, format) => R.renderStructured(ecdsSection(d), format),
  }),
  all: row({
    section: 'endpoints',
    read: async (admin, f, env): Promise<AllData> => {
      const text = await admin.get(MASK.endpoints);
      const dump = parseConfigDump(text, admin.target);
      return env.format === 'short' ? { kind: 'short', text: allSections(dump, f, env.ctx) } : { kind: 'dump', text, dump };
    },
    short: (d: AllData) => d.text,
    structured: (d: AllData, format) => {
      if (d.kind === 'short') return d.text;
      // The dump as Envoy wrote it, unless it holds key material (a saved or older dump): then redacted.
      if (format === 'json' && !(mayHoldKeyMaterial(d.text) && hasUnredactedKeyMaterial(d.dump.configs))) return d.text.endsWith('\n') ? d.text : `${d.text}\n`;
      if (format === 'json') return `${JSON.stringify(redactKeyMaterial({ configs: d.dump.configs }), null, 1)}\n`;
      // istioctl: the raw dump through JSONToYAML (snake_case names, sorted keys).
      return `${goYaml(redactKeyMaterial({ configs: d.dump.configs }))}\n`;
    },
  }),
};

/** `pc all` -o short: every section's table; a section the dump lacks is a warning on stderr. */
function allSections(dump: ConfigDump, f: PcFlags, ctx: CommandContext): string {
  const s = { withType: true };
  const verbose = f.verbose ?? true;
  const h = (t: string) => (f.withHeaders ? R.sectionHeader(t) : '');
  // Unlike istioctl, a section the dump lacks (EDS without include_eds, a gateway without
  // secrets…) is reported on stderr and skipped instead of failing the whole summary.
  const section = (title: string, render: () => string): string | undefined => {
    try {
      return h(title) + render();
    } catch (e) {
      if (!(e instanceof MissingSectionError)) throw e;
      ctx.err(`Warning: ${title.toLowerCase()}: ${e.message}\n`);
      return undefined;
    }
  };
  const shown = [
    section('BOOTSTRAP INFO', () => R.renderBootstrapSummary(bootstrapSummary(dump))),
    section('CLUSTER INFO', () => R.renderClusters(clusterRows(filterClusters(listClusters(dump), clusterFilter(f))), s)),
    section('LISTENER INFO', () => R.renderListeners(listenerRows(filterListeners(listListeners(dump), listenerFilter(f)), verbose), verbose, s)),
    section('ROUTE INFO', () => R.renderRoutes(routeRows(filterRoutes(listRoutes(dump), routeFilter(f)), verbose), verbose, s)),
    section('SECRET INFO', () => R.renderSecrets(listSecrets(dump, now(ctx)), s)),
    section('ENDPOINTS INFO', () => R.renderEds(edsRows(listEds(dump, endpointFilter(f))), s)),
  ].filter((p): p is string => p !== undefined);
  // Nothing to show is no summary: a dump without any of the sections fails, as istioctl does.
  if (shown.length === 0) {
    throw new MissingSectionError('the config dump has none of the sections proxy-config all shows (bootstrap, clusters, listeners, routes, secrets, endpoints)', "Take a full dump: kubectl exec POD -c istio-proxy -- curl -s 'localhost:15000/config_dump?include_eds'");
  }
  return shown.join('\n');
}

interface Validated {
  readonly name: PcSubcommand['name'];
  readonly pod?: string | undefined;
  readonly flags: PcFlags;
  readonly format: PcFormat;
}

/** What a config subcommand's run returns: the row's data, with the flags its table printer needs. */
interface PcResult {
  readonly data: unknown;
  readonly flags: PcFlags;
}

/** The implementation of a config subcommand, from its row of the table. */
export function configImplementation(name: PcSubcommand['name']): Implementation<PcFlags, PcFormat, Validated, PcResult> {
  const r = TABLE[name];
  return {
    validate: ({ flags, args, format }) => {
      validateSource(`proxy-config ${name}`, { ...(flags.file ? { file: flags.file } : {}), ...(args[0] ? { pod: args[0] } : {}) });
      return { name, pod: args[0], flags, format };
    },
    run: async (ctx, o) => {
      const admins = await openAdminSources(ctx, { pod: o.pod, file: o.flags.file, adminPort: o.flags.proxyAdminPort ?? 15000, timeoutMs: o.flags.timeout }, `proxy-config ${name}`);
      const data = await withAdmins(admins, () => r.read(admins[0]!, o.flags, { ctx, format: o.format }));
      return { data, flags: o.flags };
    },
    printers: {
      short: (x) => r.short(x.data, x.flags),
      json: (x) => r.structured(x.data, 'json'),
      yaml: (x) => r.structured(x.data, 'yaml'),
    },
    exitCode: () => 0,
  };
}

/** proxy-config log: show or change log levels of one pod, a saved /logging, or every pod of -l. */
export const logImplementation: Implementation<PcLogFlags, 'short', PcLogFlags & { pod?: string | undefined }, string[]> = {
  validate: ({ flags, args }) => {
    if (flags.level && flags.reset) throw new UsageError('give --level or --reset, not both');
    if (flags.level && !flags.level.includes(':') && !normalizeLevel(flags.level)) throw new UsageError(`unrecognized logging level: ${flags.level}`, 'Levels: trace, debug, info, warning, error, critical, off.');
    validateSource('proxy-config log', { ...(flags.file ? { file: flags.file } : {}), ...(args[0] ? { pod: args[0] } : {}), ...(flags.selector ? { selector: flags.selector } : {}) }, true);
    return { ...flags, pod: args[0] };
  },
  run: async (ctx, o) => {
    const admins = await openAdminSources(ctx, { pod: o.pod, file: o.file, selector: o.selector, adminPort: o.proxyAdminPort ?? 15000, timeoutMs: o.timeout }, 'proxy-config log', { allowSelector: true });
    return withAdmins(admins, () =>
      mapLimit(admins, o.concurrency, async (a) => {
        // Envoy answers the current levels on POST /logging without parameters.
        const current = await a.post('logging');
        let body = current;
        if (o.level || o.reset) {
          const change = o.reset ? { all: 'warning' as const } : parseLevelArg(o.level!, new Set(parseLogging(current).keys()));
          for (const p of levelChangePaths(change)) body = await a.post(p);
        }
        return `${a.target}:\n${body.endsWith('\n') ? body : `${body}\n`}`;
      }),
    );
  },
  printers: { short: (outputs) => outputs.join('') },
  exitCode: () => 0,
};

/** Certificate validity is judged against this clock; ISTIO_TS_NOW pins it for goldens. */
function now(ctx: CommandContext): Date {
  const pinned = ctx.io.env.ISTIO_TS_NOW;
  const d = pinned ? new Date(pinned) : new Date();
  if (Number.isNaN(d.getTime())) throw new UsageError(`ISTIO_TS_NOW: "${pinned}" is not a date`);
  return d;
}

function stripType<T extends Record<string, unknown>>(o: T): Omit<T, '@type'> {
  const { ['@type']: _t, ...rest } = o;
  return rest;
}
