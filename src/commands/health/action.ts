import { fsp } from '../../util/lazy-fs.js';
import type { Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError, UserError } from '../../cli/errors.js';
import { CATALOG, CatalogError, type RuleSpec } from '../../health/catalog.js';
import { emitRules, type RulesFormat } from '../../health/emit.js';
import { exitCodeOf, type HealthReport } from '../../health/model.js';
import { parseOverrides } from '../../health/overrides.js';
import type { HealthDeps, HealthOptions } from '../../health/run.js';
import { painter } from '../../output/paint.js';
import { changeLines, renderJson, renderJunit, renderTableReport } from './render.js';
import type { HealthFlags, HealthFormat } from './index.js';

type Format = HealthFormat;

export interface HealthCommandOptions {
  /** namespace undefined: the kubeconfig context's, resolved when the cluster is reached. */
  readonly health: Omit<HealthOptions, 'rules' | 'namespace'> & { readonly namespace?: string | null };
  readonly rulesFile?: string;
  readonly emit?: RulesFormat;
  readonly watchMs?: number;
  readonly format: Format;
}

/** A Prometheus duration: 30s, 5m, 1h30m (no bare numbers: Prometheus needs the unit). */
export function parsePromDuration(s: string): number | undefined {
  const m = /^((\d+)(ms|[smhdwy]))+$/.exec(s);
  if (!m) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3, y: 31536000e3 };
  let total = 0;
  for (const part of s.matchAll(/(\d+)(ms|[smhdwy])/g)) total += Number(part[1]) * unit[part[2]!]!;
  return total;
}

/** RFC 3339 (or anything Date parses with a zone) or Unix seconds. */
export function parseAt(s: string, now: Date): Date {
  const t = s.trim();
  const d = /^\d+(\.\d+)?$/.test(t) ? new Date(Number(t) * 1000) : /^\d{4}-\d{2}-\d{2}T/.test(t) && /(Z|[+-]\d{2}:?\d{2})$/.test(t) ? new Date(t) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--at: "${s}" is not a time (RFC 3339 with a zone, e.g. 2026-12-03T02:40:00Z, or Unix seconds)`);
  if (d.getTime() > now.getTime() + 60_000) throw new UsageError(`--at: ${d.toISOString()} is in the future`);
  return d;
}

/** Flags → options; usage errors before any file or network access. */
export function validate(f: HealthFlags, requested: Format, ctx: CommandContext, now: Date): HealthCommandOptions {
  const emitting = f.emitRules;
  if (!emitting && f.format !== 'prometheus') throw new UsageError('--format applies to --emit-rules only (-o picks the output of a health run)');
  if (emitting && (f.watch !== undefined || f.at || f.prometheus)) throw new UsageError('--emit-rules is offline: it does not go with --watch, --at or --prometheus');
  if (f.format !== 'prometheus' && f.format !== 'prometheus-operator') throw new UsageError(`--format: "${f.format}" is not one of prometheus, prometheus-operator`);
  const format = emitting ? 'table' : requested;
  const windowMs = parsePromDuration(f.window);
  if (!windowMs) throw new UsageError(`--window: "${f.window}" is not a Prometheus duration (e.g. 5m, 1h, 90s)`);
  if (f.allNamespaces && ctx.globals.namespace) throw new UsageError('-n and -A do not go together');
  if (f.prometheus !== undefined) {
    let u: URL;
    try {
      u = new URL(f.prometheus);
    } catch {
      throw new UsageError(`--prometheus: "${f.prometheus}" is not a URL (e.g. http://127.0.0.1:9090)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--prometheus: "${f.prometheus}" must be an http or https URL`);
    if (u.search || u.hash) throw new UsageError('--prometheus: give the Prometheus base URL, without a query or fragment');
  }
  const at = f.at !== undefined ? parseAt(f.at, now) : undefined;
  if (f.watch !== undefined) {
    if (at) throw new UsageError('--watch judges the present; it does not go with --at');
    if (format === 'junit') throw new UsageError('--watch prints a report per pass; -o junit is one report (use table or json)');
  }
  return {
    health: {
      istioNamespace: ctx.globals.istioNamespace,
      ...(f.allNamespaces ? { namespace: null } : ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}),
      window: f.window,
      ...(at ? { at } : {}),
      ...(f.prometheus ? { prometheusUrl: f.prometheus } : {}),
      timeoutMs: f.timeout,
      adminPort: f.proxyAdminPort ?? 15000,
    },
    ...(f.rules ? { rulesFile: f.rules } : {}),
    ...(emitting ? { emit: f.format as RulesFormat } : {}),
    ...(f.watch !== undefined ? { watchMs: f.watch } : {}),
    format,
  };
}

async function loadRules(ctx: CommandContext, file: string | undefined): Promise<readonly RuleSpec[]> {
  if (!file) return CATALOG;
  let text: string;
  try {
    text = file === '-' ? await ctx.io.readStdin() : await fsp().readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`--rules: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, ExitCode.NoInput);
  }
  try {
    return parseOverrides(CATALOG, text, file === '-' ? '<stdin>' : file);
  } catch (e) {
    if (e instanceof CatalogError) throw new UserError(`--rules: ${e.message}`, ExitCode.DataErr);
    throw e;
  }
}

/** The rule file (--emit-rules), one report, or the last report of a --watch that printed each pass. */
type Result = { readonly kind: 'rules'; readonly text: string } | { readonly kind: 'report'; readonly report: HealthReport } | { readonly kind: 'watched'; readonly last?: HealthReport };

/** health; `deps` stands in for the cluster and the clock in tests. */
export function implementation(deps?: HealthDeps): Implementation<HealthFlags, HealthFormat, HealthCommandOptions, Result> {
  return {
    validate: ({ flags, format }, ctx) => validate(flags, format, ctx, new Date()),
    run: (ctx, o) => runHealthCommand(ctx, o, deps),
    // --watch printed each pass as it came; the rule file is YAML whatever -o (validate refuses -o).
    printers: {
      table: (r, p) => (r.kind === 'rules' ? r.text : r.kind === 'report' ? renderTableReport(r.report, painter(p.color)) : ''),
      json: (r) => (r.kind === 'report' ? renderJson(r.report) : r.kind === 'rules' ? r.text : ''),
      junit: (r) => (r.kind === 'report' ? renderJunit(r.report) : r.kind === 'rules' ? r.text : ''),
    },
    exitCode: (r) => (r.kind === 'report' ? exitCodeOf(r.report.verdict) : r.kind === 'watched' && r.last ? exitCodeOf(r.last.verdict) : ExitCode.OK),
  };
}

async function runHealthCommand(ctx: CommandContext, o: HealthCommandOptions, given?: HealthDeps): Promise<Result> {
  const rules = await loadRules(ctx, o.rulesFile);
  if (o.emit) return { kind: 'rules', text: emitRules(rules, o.health.window, o.emit) };
  const { runHealth } = await import('../../health/run.js');
  let kube: Awaited<ReturnType<CommandContext['connectKube']>> | undefined;
  const deps: HealthDeps = given ?? {
    connect: async () => (kube ??= await ctx.connectKube()),
    now: () => new Date(),
  };
  // -n unset: the kubeconfig context's namespace, as kubectl does.
  const resolveNs = async (): Promise<string | null> => {
    if (o.health.namespace !== undefined) return o.health.namespace;
    try {
      return (await deps.connect()).defaultNamespace;
    } catch {
      return 'default';
    }
  };
  const options: HealthOptions = { ...o.health, namespace: await resolveNs(), rules };
  if (o.watchMs === undefined) return { kind: 'report', report: await runHealth(options, deps) };
  const last = await watchPasses(ctx, options, deps, o.watchMs, o.format, runHealth);
  return { kind: 'watched', ...(last ? { last } : {}) };
}

/**
 * --watch: on a terminal, clear and redraw each pass; piped, one line per segment whose verdict
 * changed (JSON: one compact report per pass). Runs until interrupted; `passes` bounds it for tests.
 */
export async function watch(ctx: CommandContext, options: HealthOptions, deps: HealthDeps, everyMs: number, format: Format, run: (o: HealthOptions, d: HealthDeps) => Promise<HealthReport>, passes = Infinity): Promise<number> {
  const last = await watchPasses(ctx, options, deps, everyMs, format, run, passes);
  return last ? exitCodeOf(last.verdict) : ExitCode.OK;
}

/** The --watch loop: prints each pass as it is judged; the last report (when `passes` ends it). */
async function watchPasses(ctx: CommandContext, options: HealthOptions, deps: HealthDeps, everyMs: number, format: Format, run: (o: HealthOptions, d: HealthDeps) => Promise<HealthReport>, passes = Infinity): Promise<HealthReport | undefined> {
  let prev: HealthReport | undefined;
  for (let i = 0; i < passes; i++) {
    const started = Date.now();
    const cur = await run(options, deps);
    if (format === 'json') ctx.out(JSON.stringify(cur) + '\n');
    else if (ctx.io.isTTY) ctx.out(`\u001b[H\u001b[2J${renderTableReport(cur, painter(ctx.color))}\n(every ${everyMs / 1000}s; Ctrl-C to stop)\n`);
    else for (const l of changeLines(prev, cur)) ctx.out(`${l}\n`);
    prev = cur;
    if (i + 1 < passes) await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - started))));
  }
  return prev;
}
