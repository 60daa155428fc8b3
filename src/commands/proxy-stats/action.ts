import type { Implementation } from '../../cli/command.js';
import { UsageError } from '../../cli/errors.js';
import { AdminError, kindsForPath, mapLimit, type EnvoyAdmin } from '../../envoy/admin.js';
import { parseClustersJson } from '../../envoy/host-status.js';
import { validateSource } from '../../envoy/source.js';
import { filterPrometheus, filterStats, parseStats, summarizeStats } from '../../envoy/stats.js';
import { openAdminSources, withAdmins, type AdminSourceFlags } from '../../cli/admin.js';
import { printJson } from '../../output/printers.js';
import { withContext } from '../../util/errors.js';
import { renderStatLines, renderSummary } from './render.js';
import type { ProxyStatsFlags, ProxyStatsFormat } from './index.js';

/** What to fetch, picked from --summary, --type and the output format. */
type Fetch = 'summary' | 'clusters-json' | 'clusters-text' | 'stats-prom' | 'stats-json' | 'stats-text';

interface Options {
  readonly source: AdminSourceFlags;
  readonly fetch: Fetch;
  /** Structured output: each target's answer is a value for -o json, else text for stdout. */
  readonly structured: boolean;
  readonly filter?: RegExp;
  readonly includeInternal: boolean;
  readonly concurrency: number;
}

/** Each answering target's output (text, or a value for -o json), and each target that did not answer. */
interface Result {
  readonly outputs: readonly unknown[];
  /** One target (a pod, or the saved files): -o json prints its value, not a list. */
  readonly single: boolean;
  readonly failures: readonly { readonly name: string; readonly error: unknown }[];
}

function fetchFor(f: ProxyStatsFlags, format: ProxyStatsFormat): Fetch {
  if (f.summary) return 'summary';
  if (f.type === 'clusters') return format === 'json' ? 'clusters-json' : 'clusters-text';
  return format === 'prom' ? 'stats-prom' : format === 'json' ? 'stats-json' : 'stats-text';
}

export const implementation: Implementation<ProxyStatsFlags, ProxyStatsFormat, Options, Result> = {
  validate: ({ flags: f, args, format }) => {
    if (f.type !== 'server' && f.type !== 'clusters') throw new UsageError(`--type: "${f.type}" is not one of server, clusters`);
    let filter: RegExp | undefined;
    if (f.filter) {
      try {
        filter = new RegExp(f.filter);
      } catch (e) {
        throw new UsageError(`--filter: ${(e as Error).message}`);
      }
    }
    if (f.summary && format === 'prom') throw new UsageError('--summary prints short or json output, not prom');
    if (format === 'prom' && f.type === 'clusters') throw new UsageError('-o prom is only available for --type server');
    if (f.file.length > 1 && !f.summary) throw new UsageError('more than one --file only makes sense with --summary (one /stats and one /clusters response)');
    const pod = args[0];
    const source: AdminSourceFlags = { ...(f.file.length ? { file: f.file } : {}), ...(pod ? { pod } : {}), ...(f.selector ? { selector: f.selector } : {}), adminPort: f.proxyAdminPort ?? 15000, timeoutMs: f.timeout };
    validateSource('proxy-stats', source, true);
    return { source, fetch: fetchFor(f, format), structured: format === 'json', ...(filter ? { filter } : {}), includeInternal: f.includeInternal, concurrency: f.concurrency };
  },
  run: async (ctx, o) => {
    const admins = await openAdminSources(ctx, o.source, 'proxy-stats', { allowSelector: true });
    return withAdmins(admins, () => gather(admins, o));
  },
  printers: {
    short: (r) => (r.outputs as string[]).join(''),
    prom: (r) => (r.outputs as string[]).join(''),
    json: (r) => printJson(r.single ? r.outputs[0] : r.outputs),
  },
  exitCode: () => 0,
  // The others printed; each target that did not answer goes through the one error map.
  failure: (r) => {
    const errors = r.failures.map((f) => withContext(f.error, f.name));
    return errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} proxies did not answer`);
  },
};

async function gather(admins: EnvoyAdmin[], o: Options): Promise<Result> {
  // Saved files are one target (a /stats and a /clusters of the same proxy); pods one each.
  const targets: EnvoyAdmin[][] = o.source.file ? [admins] : admins.map((a) => [a]);
  const several = targets.length > 1;
  // With several pods (-l), one that does not answer is reported and the others still print.
  const failures: { name: string; error: unknown }[] = [];
  const results = await mapLimit(targets, o.concurrency, async (group) => {
    const name = group.map((a) => a.target).join(', ');
    try {
      return await statsFor(group, name, several, o);
    } catch (error) {
      if (!several) throw error;
      failures.push({ name, error });
      return undefined;
    }
  });
  return { outputs: results.filter((r) => r !== undefined), single: !several, failures };
}

async function statsFor(group: EnvoyAdmin[], name: string, several: boolean, o: Options): Promise<unknown> {
  const prefix = several ? `${name}:\n` : '';
  const re = o.filter;
  const a = group[0]!;
  switch (o.fetch) {
    case 'summary': {
      const statsText = await firstAnswer(group, 'stats');
      const clustersText = await firstAnswer(group, 'clusters?format=json');
      if (statsText === undefined && clustersText === undefined) throw new AdminError(`${name}: neither /stats nor /clusters?format=json is available`);
      const summary = summarizeStats(statsText === undefined ? undefined : parseStats(statsText), clustersText === undefined ? undefined : parseClustersJson(clustersText), {
        includeInternal: o.includeInternal,
      });
      if (o.structured) return { target: name, ...summary };
      return prefix + renderSummary(summary, name);
    }
    case 'clusters-json':
      return JSON.parse(await a.get('clusters?format=json')) as unknown;
    case 'clusters-text': {
      // A saved JSON /clusters answers the text form too: show it as JSON.
      if (a.savedKind === 'clusters_json') return `${JSON.stringify(JSON.parse(await a.get('clusters')), null, 2)}\n`;
      const text = await a.get('clusters');
      return prefix + text.split('\n').filter((l) => l && (!re || re.test(l))).map((l) => `${l}\n`).join('');
    }
    case 'stats-prom':
      return prefix + filterPrometheus(await a.get('stats/prometheus'), re);
    case 'stats-json': {
      // Text /stats parses into the same list as ?format=json, so either kind of saved file works.
      const stats = filterStats(parseStats(await a.get('stats')), re);
      return several ? { target: name, stats } : stats;
    }
    case 'stats-text':
      return prefix + renderStatLines(filterStats(parseStats(await a.get('stats')), re));
  }
}

/**
 * The first source that can answer a path. A live proxy must answer; among saved files, a missing
 * kind (no /clusters file, say) only narrows the summary.
 */
async function firstAnswer(group: readonly EnvoyAdmin[], path: string): Promise<string | undefined> {
  for (const a of group) {
    if (a.savedKind === undefined) return a.get(path);
    if (kindsForPath(path).includes(a.savedKind)) return a.get(path);
  }
  return undefined;
}
