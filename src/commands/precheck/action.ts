import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode } from '../../cli/errors.js';
import { gatherPrecheck, precheckFailed } from '../../install/precheck.js';
import { renderPrecheck, renderPrecheckJson } from '../../output/install.js';
import { guard } from '../install/action.js';
import { liveDeps, type ClusterDeps } from '../install/shared.js';
import { generate, parseSets } from '../manifest/run.js';

export interface PrecheckOptions {
  readonly files: readonly string[];
  readonly sets: readonly string[];
  readonly revision?: string;
}

export async function runPrecheck(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as { filename: string[]; set: string[]; revision?: string };
  return precheck(ctx, { files: o.filename, sets: o.set, ...(o.revision !== undefined ? { revision: o.revision } : {}) }, liveDeps(ctx));
}

export async function precheck(ctx: CommandContext, o: PrecheckOptions, deps: ClusterDeps): Promise<number> {
  const format = ctx.outputFormat(['text', 'json'] as const, 'text');
  parseSets(o.sets);
  // The planned install decides which kinds and namespaces need permissions.
  const gen = await generate({ files: o.files, sets: o.sets, ...(o.revision !== undefined ? { revision: o.revision } : {}), cwd: ctx.io.cwd, readStdin: ctx.io.readStdin });
  const kube = await deps.connect();
  const results = await guard(() => gatherPrecheck(kube, gen.objects, gen.install.revision));
  ctx.out(format === 'json' ? renderPrecheckJson(results) : renderPrecheck(results, ctx.color));
  return precheckFailed(results) ? ExitCode.Error : 0;
}
