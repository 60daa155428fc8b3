/** capture: validate, collect from the cluster, write the capture directory. */
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Implementation } from '../../cli/command.js';
import { ExitCode, UsageError, UserError } from '../../cli/errors.js';
import { VERSION } from '../../cli/version.js';
import { collectLive, validateTarget } from '../../diagnose/live.js';
import type { CaptureFlags } from './index.js';

interface Options {
  readonly from: string;
  readonly to: string;
  readonly via?: string | undefined;
  readonly dir: string;
  readonly shownDir: string;
  readonly tailLines: number;
  readonly timeoutMs: number;
}

export const implementation: Implementation<CaptureFlags, 'text', Options, { files: number; dir: string }> = {
  validate: async ({ flags, args }, ctx) => {
    const [from, to] = args as [string, string];
    validateTarget(from, to, flags.via);
    const dir = path.resolve(ctx.io.cwd, flags.dir);
    const existing = await readdir(dir).catch(() => undefined);
    if (existing && existing.length > 0) throw new UsageError(`--dir ${flags.dir} exists and is not empty; pick a new directory`);
    return { from, to, via: flags.via, dir, shownDir: flags.dir, tailLines: flags.tail, timeoutMs: flags.timeout };
  },
  run: async (ctx, o) => {
    const { files, warnings } = await collectLive({ from: o.from, to: o.to, ...(o.via ? { via: o.via } : {}) }, { kube: () => ctx.connectKube(), istioNamespace: ctx.globals.istioNamespace, version: VERSION, tailLines: o.tailLines, timeoutMs: o.timeoutMs });
    for (const w of warnings) ctx.err(`warning: ${w}\n`);
    await writeCapture(o.dir, files);
    ctx.err(`wrote ${files.size} files to ${o.shownDir}; diagnose with: istio-ts diagnose --capture ${o.shownDir}\n`);
    return { files: files.size, dir: o.dir };
  },
  // Everything went to --dir and stderr.
  printers: { text: () => '' },
  exitCode: () => ExitCode.OK,
};

/**
 * A capture holds access logs, pod specs and proxy config: owner-only, like a kubeconfig
 * (directories 0700, files 0600), whatever the umask, including a directory made beforehand.
 */
export async function writeCapture(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    for (const [rel, text] of files) {
      const file = path.join(dir, rel);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, text, { mode: 0o600 });
    }
  } catch (e) {
    throw new UserError(`cannot write the capture to ${dir}: ${(e as Error).message}`, ExitCode.Error);
  }
}
