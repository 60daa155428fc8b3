import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../cli/errors.js';
import { type EnvoyAdmin } from '../../envoy/admin.js';
import { bootstrapSection, bootstrapSummary } from '../../envoy/bootstrap.js';
import { clusterRows, filterClusters, listClusters } from '../../envoy/clusters.js';
import { MASK, MissingSectionError, parseConfigDump, requireSection, type ConfigDump, type SectionName } from '../../envoy/configdump.js';
import { ecdsRows, ecdsSection } from '../../envoy/ecds.js';
import { edsForOutput, edsRows, listEds, type EndpointFilter } from '../../envoy/eds.js';
import { filterClustersJson, hostRows, parseClustersJson } from '../../envoy/host-status.js';
import { filterListeners, listenerRows, listListeners } from '../../envoy/listeners.js';
import { levelChangePaths, normalizeLevel, parseLevelArg, parseLogging } from '../../envoy/logging.js';
import { filterRoutes, listRoutes, routeRows } from '../../envoy/routes.js';
import { listSecrets, redactSecrets } from '../../envoy/secrets.js';
import { hasUnredactedKeyMaterial, mayHoldKeyMaterial, redactKeyMaterial } from '../../envoy/redact.js';
import { mapLimit } from '../../envoy/admin.js';
import { openAdmins, withAdmins } from '../../cli/admin.js';
import { parsePort } from '../../cli/flags.js';
import * as R from './render.js';
import { goYaml } from '../../output/go-yaml.js';

const OUTPUTS = ['short', 'json', 'yaml'] as const;
type Format = (typeof OUTPUTS)[number];



async function fetchDump(admins: EnvoyAdmin[], section: SectionName): Promise<ConfigDump> {
  const a = admins[0]!;
  return parseConfigDump(await a.get(MASK[section]), a.target);
}

function fmt(ctx: CommandContext, fallback: Format = 'short'): Format {
  return ctx.outputFormat(OUTPUTS, fallback);
}

export async function runCluster(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const o = cmd.opts() as { fqdn?: string; port?: string; subset?: string; direction?: string };
  const filter = { ...(o.fqdn ? { fqdn: o.fqdn } : {}), ...(o.subset ? { subset: o.subset } : {}), ...(o.direction ? { direction: o.direction } : {}), port: parsePort('--port', o.port) ?? 0 };
  const admins = await openAdmins(ctx, cmd, 'proxy-config cluster');
  return withAdmins(admins, async () => {
    const clusters = filterClusters(listClusters(await fetchDump(admins, 'clusters')), filter);
    ctx.out(format === 'short' ? R.renderClusters(clusterRows(clusters), { withType: false }) : R.renderStructured(clusters.map(stripType), format));
    return 0;
  });
}

export async function runListener(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const o = cmd.opts() as { address?: string; port?: string; type?: string; verbose: boolean };
  const filter = { ...(o.address ? { address: o.address } : {}), ...(o.type ? { type: o.type } : {}), port: parsePort('--port', o.port) ?? 0 };
  const admins = await openAdmins(ctx, cmd, 'proxy-config listener');
  return withAdmins(admins, async () => {
    const listeners = filterListeners(listListeners(await fetchDump(admins, 'listeners')), filter);
    ctx.out(format === 'short' ? R.renderListeners(listenerRows(listeners, o.verbose), o.verbose, { withType: false }) : R.renderStructured(listeners.map(stripType), format));
    return 0;
  });
}

export async function runRoute(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const o = cmd.opts() as { name?: string; verbose: boolean };
  const admins = await openAdmins(ctx, cmd, 'proxy-config route');
  return withAdmins(admins, async () => {
    const routes = filterRoutes(listRoutes(await fetchDump(admins, 'routes')), o.name ? { name: o.name } : {});
    ctx.out(format === 'short' ? R.renderRoutes(routeRows(routes, o.verbose), o.verbose, { withType: false }) : R.renderStructured(routes.map(stripType), format));
    return 0;
  });
}

function endpointFilter(o: { address?: string; port?: string; cluster?: string; status?: string }): EndpointFilter {
  return {
    ...(o.address ? { address: o.address } : {}),
    ...(o.cluster ? { cluster: o.cluster } : {}),
    ...(o.status ? { status: o.status } : {}),
    port: parsePort('--port', o.port) ?? 0,
  };
}

export async function runEndpoint(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const filter = endpointFilter(cmd.opts());
  const admins = await openAdmins(ctx, cmd, 'proxy-config endpoint');
  return withAdmins(admins, async () => {
    const a = admins[0]!;
    // A saved config_dump (taken with include_eds) gives the EDS view istioctl prints for files.
    if (a.savedKind === 'config_dump') {
      const eds = listEds(parseConfigDump(await a.get(MASK.endpoints), a.target), filter);
      ctx.out(format === 'short' ? R.renderEds(edsRows(eds), { withType: false }) : R.renderStructured(edsForOutput(eds), format));
      return 0;
    }
    const text = await a.get('clusters?format=json');
    if (format === 'short') ctx.out(R.renderHosts(hostRows(parseClustersJson(text), filter)));
    else ctx.out(R.renderStructured(filterClustersJson(text, filter), format));
    return 0;
  });
}

export async function runEds(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const filter = endpointFilter(cmd.opts());
  const admins = await openAdmins(ctx, cmd, 'proxy-config eds');
  return withAdmins(admins, async () => {
    const eds = listEds(await fetchDump(admins, 'endpoints'), filter);
    ctx.out(format === 'short' ? R.renderEds(edsRows(eds), { withType: false }) : R.renderStructured(edsForOutput(eds), format));
    return 0;
  });
}

export async function runSecret(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const admins = await openAdmins(ctx, cmd, 'proxy-config secret');
  return withAdmins(admins, async () => {
    const dump = await fetchDump(admins, 'secrets');
    if (format === 'short') ctx.out(R.renderSecrets(listSecrets(dump, now(ctx)), { withType: false }));
    else ctx.out(R.renderStructured(stripType(redactSecrets(requireSection(dump, 'secrets'))), format));
    return 0;
  });
}

export async function runBootstrap(ctx: CommandContext, cmd: Command): Promise<number> {
  // istioctl prints the bootstrap as JSON unless -o short is asked for.
  const format = fmt(ctx, 'json');
  const admins = await openAdmins(ctx, cmd, 'proxy-config bootstrap');
  return withAdmins(admins, async () => {
    const dump = await fetchDump(admins, 'bootstrap');
    ctx.out(format === 'short' ? R.renderBootstrapSummary(bootstrapSummary(dump)) : R.renderStructured(bootstrapSection(dump), format));
    return 0;
  });
}

export async function runEcds(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const admins = await openAdmins(ctx, cmd, 'proxy-config ecds');
  return withAdmins(admins, async () => {
    const dump = await fetchDump(admins, 'ecds');
    ctx.out(format === 'short' ? R.renderEcds(ecdsRows(dump)) : R.renderStructured(ecdsSection(dump), format));
    return 0;
  });
}

export async function runAll(ctx: CommandContext, cmd: Command): Promise<number> {
  const format = fmt(ctx);
  const o = cmd.opts() as Record<string, string | undefined> & { withHeaders: boolean; verbose: boolean };
  const port = parsePort('--port', o.port) ?? 0;
  const admins = await openAdmins(ctx, cmd, 'proxy-config all');
  return withAdmins(admins, async () => {
    const a = admins[0]!;
    const text = await a.get(MASK.endpoints);
    const dump = parseConfigDump(text, a.target);
    if (format !== 'short') {
      // The dump as Envoy wrote it, unless it holds key material (a saved or older dump): then redacted.
      if (format === 'json' && !(mayHoldKeyMaterial(text) && hasUnredactedKeyMaterial(dump.configs))) ctx.out(text.endsWith('\n') ? text : `${text}\n`);
      else if (format === 'json') ctx.out(`${JSON.stringify(redactKeyMaterial({ configs: dump.configs }), null, 1)}\n`);
      // istioctl: the raw dump through JSONToYAML (snake_case names, sorted keys).
      else ctx.out(`${goYaml(redactKeyMaterial({ configs: dump.configs }))}\n`);
      return 0;
    }
    const s = { withType: true };
    const h = (t: string) => (o.withHeaders ? R.sectionHeader(t) : '');
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
    const parts = [
      section('BOOTSTRAP INFO', () => R.renderBootstrapSummary(bootstrapSummary(dump))),
      section('CLUSTER INFO', () =>
        R.renderClusters(clusterRows(filterClusters(listClusters(dump), { ...(o.fqdn ? { fqdn: o.fqdn } : {}), ...(o.subset ? { subset: o.subset } : {}), ...(o.direction ? { direction: o.direction } : {}), port })), s),
      ),
      section('LISTENER INFO', () => R.renderListeners(listenerRows(filterListeners(listListeners(dump), { ...(o.address ? { address: o.address } : {}), ...(o.type ? { type: o.type } : {}), port }), o.verbose), o.verbose, s)),
      section('ROUTE INFO', () => R.renderRoutes(routeRows(filterRoutes(listRoutes(dump), o.name ? { name: o.name } : {}), o.verbose), o.verbose, s)),
      section('SECRET INFO', () => R.renderSecrets(listSecrets(dump, now(ctx)), s)),
      section('ENDPOINTS INFO', () => R.renderEds(edsRows(listEds(dump, endpointFilter(o as { address?: string; port?: string; cluster?: string; status?: string }))), s)),
    ].filter((p): p is string => p !== undefined);
    ctx.out(parts.join('\n'));
    return 0;
  });
}

export async function runLog(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as { level?: string; reset: boolean; concurrency: string };
  const format = fmt(ctx);
  if (format !== 'short') throw new UsageError('proxy-config log prints text only; drop -o');
  if (o.level && o.reset) throw new UsageError('give --level or --reset, not both');
  if (o.level && !o.level.includes(':') && !normalizeLevel(o.level)) throw new UsageError(`unrecognized logging level: ${o.level}`, 'Levels: trace, debug, info, warning, error, critical, off.');
  const concurrency = Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency: "${o.concurrency}" is not a positive integer`);
  const admins = await openAdmins(ctx, cmd, 'proxy-config log', { allowSelector: true });
  return withAdmins(admins, async () => {
    const outputs = await mapLimit(admins, concurrency, async (a) => {
      // Envoy answers the current levels on POST /logging without parameters.
      const current = await a.post('logging');
      let body = current;
      if (o.level || o.reset) {
        const change = o.reset ? { all: 'warning' as const } : parseLevelArg(o.level!, new Set(parseLogging(current).keys()));
        for (const p of levelChangePaths(change)) body = await a.post(p);
      }
      return `${a.target}:\n${body.endsWith('\n') ? body : `${body}\n`}`;
    });
    ctx.out(outputs.join(''));
    return 0;
  });
}

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
