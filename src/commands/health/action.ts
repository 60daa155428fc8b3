import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError, UserError } from '../../cli/errors.js';
import { parseDurationFlag, parsePort } from '../../cli/flags.js';
import { CATALOG, CatalogError, type RuleSpec } from '../../health/catalog.js';
import { emitRules, type RulesFormat } from '../../health/emit.js';
import { exitCodeOf, type HealthReport } from '../../health/model.js';
import { parseOverrides } from '../../health/overrides.js';
import type { HealthDeps, HealthOptions } from '../../health/run.js';
import { painter } from '../../output/paint.js';
import { changeLines, renderJson, renderJunit, renderTableReport } from './render.js';

const OUTPUTS = ['table', 'json', 'junit'] as const;
type Format = (typeof OUTPUTS)[number];

interface Flags {
  allNamespaces: boolean;
  prometheus?: string;
  window: string;
  at?: string;
  watch?: string | true;
  rules?: string;
  emitRules: boolean;
  format: string;
  timeout: string;
  proxyAdminPort: string;
}

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
export function validate(f: Flags, ctx: CommandContext, now: Date): HealthCommandOptions {
  const emitting = f.emitRules;
  if (!emitting && f.format !== 'prometheus') throw new UsageError('--format applies to --emit-rules only (-o picks the output of a health run)');
  if (emitting && ctx.globals.output) throw new UsageError('--emit-rules writes a YAML rule file; -o does not apply (use --format prometheus|prometheus-operator)');
  if (emitting && (f.watch !== undefined || f.at || f.prometheus)) throw new UsageError('--emit-rules is offline: it does not go with --watch, --at or --prometheus');
  if (f.format !== 'prometheus' && f.format !== 'prometheus-operator') throw new UsageError(`--format: "${f.format}" is not one of prometheus, prometheus-operator`);
  const format = emitting ? 'table' : ctx.outputFormat(OUTPUTS, 'table');
  const windowMs = parsePromDuration(f.window);
  if (!windowMs) throw new UsageError(`--window: "${f.window}" is not a Prometheus duration (e.g. 5m, 1h, 90s)`);
  if (f.allNamespaces && ctx.globals.namespace) throw new UsageError('-n and -A do not go together');
  const timeoutMs = parseDurationFlag('--timeout', f.timeout, 1);
  const adminPort = parsePort('--proxy-admin-port', f.proxyAdminPort) ?? 15000;
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
  let watchMs: number | undefined;
  if (f.watch !== undefined) {
    if (at) throw new UsageError('--watch judges the present; it does not go with --at');
    if (format === 'junit') throw new UsageError('--watch prints a report per pass; -o junit is one report (use table or json)');
    watchMs = f.watch === true ? 30_000 : parseDurationFlag('--watch', f.watch, 1000);
  }
  return {
    health: {
      istioNamespace: ctx.globals.istioNamespace,
      ...(f.allNamespaces ? { namespace: null } : ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}),
      window: f.window,
      ...(at ? { at } : {}),
      ...(f.prometheus ? { prometheusUrl: f.prometheus } : {}),
      timeoutMs,
      adminPort,
    },
    ...(f.rules ? { rulesFile: f.rules } : {}),
    ...(emitting ? { emit: f.format as RulesFormat } : {}),
    ...(watchMs !== undefined ? { watchMs } : {}),
    format,
  };
}

async function loadRules(ctx: CommandContext, file: string | undefined): Promise<readonly RuleSpec[]> {
  if (!file) return CATALOG;
  let text: string;
  try {
    text = file === '-' ? await ctx.io.readStdin() : await readFile(file, 'utf8');
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

export async function runHealthCommand(ctx: CommandContext, cmd: Command): Promise<number> {
  const f = cmd.opts() as Flags;
  const o = validate(f, ctx, new Date());
  const rules = await loadRules(ctx, o.rulesFile);
  if (o.emit) {
    ctx.out(emitRules(rules, o.health.window, o.emit));
    return ExitCode.OK;
  }
  const { runHealth } = await import('../../health/run.js');
  let kube: Awaited<ReturnType<CommandContext['connectKube']>> | undefined;
  const deps: HealthDeps = {
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
  if (o.watchMs === undefined) {
    const report = await runHealth(options, deps);
    ctx.out(render(report, o.format, ctx));
    return exitCodeOf(report.verdict);
  }
  return watch(ctx, options, deps, o.watchMs, o.format, runHealth);
}

function render(r: HealthReport, format: Format, ctx: CommandContext): string {
  if (format === 'json') return renderJson(r);
  if (format === 'junit') return renderJunit(r);
  return renderTableReport(r, painter(ctx.color));
}

/**
 * --watch: on a terminal, clear and redraw each pass; piped, one line per segment whose verdict
 * changed (JSON: one compact report per pass). Runs until interrupted; `passes` bounds it for tests.
 */
export async function watch(ctx: CommandContext, options: HealthOptions, deps: HealthDeps, everyMs: number, format: Format, run: (o: HealthOptions, d: HealthDeps) => Promise<HealthReport>, passes = Infinity): Promise<number> {
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
  return prev ? exitCodeOf(prev.verdict) : ExitCode.OK;
}
