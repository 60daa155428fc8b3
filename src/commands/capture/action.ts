/** capture: validate, collect from the cluster, write the capture directory. */
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError, UserError } from '../../cli/errors.js';
import { VERSION } from '../../cli/version.js';
import { parseDurationFlag, parseIntFlag } from '../../cli/flags.js';
import { collectLive, validateTarget } from '../../diagnose/live.js';

interface Opts {
  dir: string;
  via?: string;
  tail: string;
  timeout: string;
}

export async function runCapture(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as Opts;
  const [from, to] = cmd.args as [string, string];
  validateTarget(from, to, o.via);
  const tailLines = parseIntFlag('--tail', o.tail);
  const timeoutMs = parseDurationFlag('--timeout', o.timeout, 1);
  const dir = path.resolve(ctx.io.cwd, o.dir);
  const existing = await readdir(dir).catch(() => undefined);
  if (existing && existing.length > 0) throw new UsageError(`--dir ${o.dir} exists and is not empty; pick a new directory`);
  const { files, warnings } = await collectLive({ from, to, ...(o.via ? { via: o.via } : {}) }, { kube: () => ctx.connectKube(), istioNamespace: ctx.globals.istioNamespace, version: VERSION, tailLines, timeoutMs });
  for (const w of warnings) ctx.err(`warning: ${w}\n`);
  await writeCapture(dir, files);
  ctx.err(`wrote ${files.size} files to ${o.dir}; diagnose with: istio-ts diagnose --capture ${o.dir}\n`);
  return ExitCode.OK;
}

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
