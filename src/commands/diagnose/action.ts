/** diagnose: parse and validate flags, read a capture (or collect one live), diagnose, render. */
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import { VERSION } from '../../cli/version.js';
import { parseDurationFlag, parseIntFlag } from '../../cli/flags.js';
import { captureFromFiles, readCaptureFiles, type CaptureFiles } from '../../diagnose/capture.js';
import { diagnose } from '../../diagnose/run.js';
import { renderDiagnoseJson, renderDiagnoseTable } from '../../output/diagnose.js';
import { painter } from '../../output/paint.js';
import { collectLive, validateTarget } from '../../diagnose/live.js';

interface Opts {
  via?: string;
  path?: string;
  since: string;
  capture?: string;
  tail: string;
  timeout: string;
  verbose: boolean;
}

export async function runDiagnose(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as Opts;
  const [from, to] = cmd.args as [string | undefined, string | undefined];
  const format = ctx.outputFormat(['table', 'json'] as const, 'table');
  const sinceMs = parseDurationFlag('--since', o.since, 1);
  if (o.path !== undefined && !o.path.startsWith('/')) throw new UsageError(`--path: "${o.path}" must start with "/"`);
  let files: CaptureFiles;
  if (o.capture) {
    if ((from === undefined) !== (to === undefined)) throw new UsageError('with --capture, give both FROM and TO (to override capture.json) or neither');
    // A capture holds pods, not their workloads: deploy/NAME cannot be resolved offline.
    if (from && /^(?!pods?\/|po\/)[a-z.]+\//i.test(from)) throw new UsageError(`with --capture, FROM must be a pod (name.namespace) or "ingress", not "${from}"`, 'The client pod of the capture is in DIR/capture.json ("from").');
    files = await readCaptureFiles(o.capture);
    if (from && to) files = withMeta(files, { from, to, via: o.via });
  } else {
    if (!from || !to) throw new UsageError('diagnose needs FROM and TO (or --capture DIR)', 'Example: istio-ts diagnose frontend-6c9f7b5d4-x2kqp.shop cart.shop:8080');
    validateTarget(from, to, o.via);
    const tailLines = parseIntFlag('--tail', o.tail);
    const timeoutMs = parseDurationFlag('--timeout', o.timeout, 1);
    const collected = await collectLive({ from, to, ...(o.via ? { via: o.via } : {}) }, { kube: () => ctx.connectKube(), istioNamespace: ctx.globals.istioNamespace, version: VERSION, tailLines, timeoutMs });
    for (const w of collected.warnings) ctx.err(`warning: ${w}\n`);
    files = collected.files;
  }
  const capture = captureFromFiles(files);
  const { diagnosis } = diagnose(capture, { sinceMs, ...(o.path ? { httpPath: o.path } : {}) });
  const width = terminalWidth(ctx);
  ctx.out(format === 'json' ? renderDiagnoseJson(diagnosis) : renderDiagnoseTable(diagnosis, painter(ctx.color), { verbose: o.verbose, ...(width ? { width } : {}) }));
  return diagnosis.verdict.segment === 'none' || diagnosis.verdict.segment === 'unknown' ? ExitCode.OK : ExitCode.DiagnoseFoundFault;
}

/** The terminal's columns when stdout is one (lines are fitted to it), else undefined (no wrapping). */
function terminalWidth(ctx: CommandContext): number | undefined {
  const out = ctx.io.stdout as { columns?: unknown };
  if (!ctx.io.isTTY) return undefined;
  return typeof out.columns === 'number' && out.columns > 0 ? out.columns : undefined;
}

/** The capture with FROM/TO/--via from the command line instead of capture.json. */
function withMeta(files: CaptureFiles, m: { from: string; to: string; via?: string | undefined }): CaptureFiles {
  const meta = JSON.parse(files.get('capture.json') ?? '{}') as Record<string, unknown>;
  const next = new Map(files);
  next.set('capture.json', JSON.stringify({ ...meta, from: m.from, to: m.to, ...(m.via ? { via: m.via } : {}), istioTsVersion: meta.istioTsVersion ?? VERSION }));
  return next;
}
