import { parseIntFlag } from '../../cli/flags.js';
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { UsageError, describeError } from '../../cli/errors.js';
import { AdminError, kindsForPath, mapLimit, type EnvoyAdmin } from '../../envoy/admin.js';
import { parseClustersJson } from '../../envoy/host-status.js';
import { filterPrometheus, filterStats, parseStats, summarizeStats } from '../../envoy/stats.js';
import { openAdmins, withAdmins } from '../../cli/admin.js';
import { renderStatLines, renderSummary } from './render.js';

interface Opts {
  file: string[];
  type: string;
  filter?: string;
  summary: boolean;
  includeInternal: boolean;
  concurrency: string;
}

export async function runProxyStats(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as Opts;
  const format = ctx.outputFormat(['short', 'json', 'prom'] as const, 'short');
  if (o.type !== 'server' && o.type !== 'clusters') throw new UsageError(`--type: "${o.type}" is not one of server, clusters`);
  let re: RegExp | undefined;
  if (o.filter) {
    try {
      re = new RegExp(o.filter);
    } catch (e) {
      throw new UsageError(`--filter: ${(e as Error).message}`);
    }
  }
  if (o.summary && format === 'prom') throw new UsageError('--summary prints short or json output, not prom');
  if (format === 'prom' && o.type === 'clusters') throw new UsageError('-o prom is only available for --type server');
  if (o.file.length > 1 && !o.summary) throw new UsageError('more than one --file only makes sense with --summary (one /stats and one /clusters response)');
  const concurrency = parseIntFlag('--concurrency', o.concurrency);
  const admins = await openAdmins(ctx, cmd, 'proxy-stats', { allowSelector: true });
  const isFile = o.file.length > 0;
  return withAdmins(admins, async () => {
    const targets: EnvoyAdmin[][] = isFile ? [admins] : admins.map((a) => [a]);
    // With several pods (-l), one that does not answer is reported and the others still print.
    const failures: { name: string; error: unknown }[] = [];
    const results = await mapLimit(targets, concurrency, async (group) => {
      const name = group.map((a) => a.target).join(', ');
      try {
        return await statsFor(group, name);
      } catch (error) {
        if (targets.length === 1) throw error;
        failures.push({ name, error });
        return undefined;
      }
    });
    const outputs = results.filter((r) => r !== undefined);
    async function statsFor(group: EnvoyAdmin[], name: string): Promise<unknown> {
      const prefix = targets.length > 1 ? `${name}:\n` : '';
      if (o.summary) {
        const statsText = await firstAnswer(group, 'stats');
        const clustersText = await firstAnswer(group, 'clusters?format=json');
        if (statsText === undefined && clustersText === undefined) throw new AdminError(`${name}: neither /stats nor /clusters?format=json is available`);
        const summary = summarizeStats(statsText === undefined ? undefined : parseStats(statsText), clustersText === undefined ? undefined : parseClustersJson(clustersText), {
          includeInternal: o.includeInternal,
        });
        if (format === 'json') return { target: name, ...summary };
        return prefix + renderSummary(summary, name);
      }
      const a = group[0]!;
      if (o.type === 'clusters') {
        if (format === 'json') return JSON.parse(await a.get('clusters?format=json')) as unknown;
        // A saved JSON /clusters answers the text form too: show it as JSON.
        if (a.savedKind === 'clusters_json') return `${JSON.stringify(JSON.parse(await a.get('clusters')), null, 2)}\n`;
        const text = await a.get('clusters');
        return prefix + text.split('\n').filter((l) => l && (!re || re.test(l))).map((l) => `${l}\n`).join('');
      }
      if (format === 'prom') return prefix + filterPrometheus(await a.get('stats/prometheus'), re);
      // Text /stats parses into the same list as ?format=json, so either kind of saved file works.
      const stats = filterStats(parseStats(await a.get('stats')), re);
      if (format === 'json') return targets.length > 1 ? { target: name, stats } : stats;
      return prefix + renderStatLines(stats);
    }
    if (format === 'json') {
      const value = targets.length === 1 ? outputs[0] : outputs;
      ctx.out(`${JSON.stringify(value, null, 2)}\n`);
    } else ctx.out((outputs as string[]).join(''));
    // The others printed; each failure through the one error map (message, hint, exit code).
    let code = 0;
    for (const f of failures) {
      const d = describeError(f.error);
      ctx.err(`Error: ${f.name}: ${d.message}\n${d.hint ? `${d.hint}\n` : ''}`);
      code ||= d.exitCode;
    }
    return code;
  });
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
