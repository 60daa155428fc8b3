/** diagnose: parse and validate flags, read a capture (or collect one live), diagnose, render. */
import type { Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import { VERSION } from '../../cli/version.js';
import { parseDurationFlag, parseIntFlag } from '../../cli/flags.js';
import { captureFromFiles, readCaptureFiles, type CaptureFiles } from '../../diagnose/capture.js';
import { diagnose } from '../../diagnose/run.js';
import type { Diagnosis } from '../../diagnose/model.js';
import type { DiagnoseFlags, DiagnoseFormat } from './index.js';
import { renderDiagnoseJson, renderDiagnoseTable } from '../../output/diagnose.js';
import { painter } from '../../output/paint.js';
import { collectLive, validateTarget } from '../../diagnose/live.js';

interface Options {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly flags: DiagnoseFlags;
  /** Live: parsed here, before any cluster call. */
  readonly live?: { readonly tailLines: number; readonly timeoutMs: number };
}

/** The diagnosis, and how the table shows it (-v, the terminal's width). */
interface Result {
  readonly diagnosis: Diagnosis;
  readonly verbose: boolean;
  readonly width?: number;
}

export const implementation: Implementation<DiagnoseFlags, DiagnoseFormat, Options, Result> = {
  validate: ({ flags: o, args }) => {
    const [from, to] = args as [string | undefined, string | undefined];
    if (o.path !== undefined && !o.path.startsWith('/')) throw new UsageError(`--path: "${o.path}" must start with "/"`);
    if (o.capture) {
      if ((from === undefined) !== (to === undefined)) throw new UsageError('with --capture, give both FROM and TO (to override capture.json) or neither');
      // A capture holds pods, not their workloads: deploy/NAME cannot be resolved offline.
      if (from && /^(?!pods?\/|po\/)[a-z.]+\//i.test(from)) throw new UsageError(`with --capture, FROM must be a pod (name.namespace) or "ingress", not "${from}"`, 'The client pod of the capture is in DIR/capture.json ("from").');
      return { from, to, flags: o };
    }
    if (!from || !to) throw new UsageError('diagnose needs FROM and TO (or --capture DIR)', 'Example: istio-ts diagnose frontend-6c9f7b5d4-x2kqp.shop cart.shop:8080');
    validateTarget(from, to, o.via);
    return { from, to, flags: o, live: { tailLines: parseIntFlag('--tail', o.tail), timeoutMs: parseDurationFlag('--timeout', o.timeout, 1) } };
  },
  run: async (ctx, { from, to, flags: o, live }) => {
    let files: CaptureFiles;
    if (!live) {
      files = await readCaptureFiles(o.capture!);
      if (from && to) files = withMeta(files, { from, to, via: o.via });
    } else {
      const collected = await collectLive({ from: from!, to: to!, ...(o.via ? { via: o.via } : {}) }, { kube: () => ctx.connectKube(), istioNamespace: ctx.globals.istioNamespace, version: VERSION, ...live });
      for (const w of collected.warnings) ctx.err(`warning: ${w}\n`);
      files = collected.files;
    }
    const capture = captureFromFiles(files);
    const width = terminalWidth(ctx);
    const { diagnosis } = diagnose(capture, { sinceMs: o.since, ...(o.path ? { httpPath: o.path } : {}) });
    return { diagnosis, verbose: o.verbose, ...(width ? { width } : {}) };
  },
  printers: {
    table: (r, p) => renderDiagnoseTable(r.diagnosis, painter(p.color), { verbose: r.verbose, ...(r.width ? { width: r.width } : {}) }),
    json: (r) => renderDiagnoseJson(r.diagnosis),
  },
  exitCode: ({ diagnosis: d }) => (d.verdict.segment === 'none' || d.verdict.segment === 'unknown' ? ExitCode.OK : ExitCode.DiagnoseFoundFault),
};

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
