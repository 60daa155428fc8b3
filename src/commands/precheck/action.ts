import { execute, type Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode } from '../../cli/errors.js';
import { liveDeps, type ClusterDeps } from '../../install/deps.js';
import { generate, parseSets } from '../../install/generate.js';
import { gatherPrecheck, precheckFailed, type CheckResult } from '../../install/precheck.js';
import { renderPrecheck, renderPrecheckJson } from '../../output/install.js';
import { PRECHECK_FORMATS, type PrecheckFlags, type PrecheckFormat } from './index.js';

export interface PrecheckOptions {
  readonly files: readonly string[];
  readonly sets: readonly string[];
  readonly revision?: string;
}

/** precheck; `deps` stands in for the cluster in tests. */
export function implementation(deps?: ClusterDeps): Implementation<PrecheckFlags, PrecheckFormat, PrecheckOptions, readonly CheckResult[]> {
  return {
    validate: ({ flags }) => {
      parseSets(flags.set);
      return { files: flags.filename, sets: flags.set, ...(flags.revision !== undefined ? { revision: flags.revision } : {}) };
    },
    run: async (ctx, o) => {
      // The planned install decides which kinds and namespaces need permissions.
      const gen = await generate({ files: o.files, sets: o.sets, ...(o.revision !== undefined ? { revision: o.revision } : {}), cwd: ctx.io.cwd, readStdin: ctx.io.readStdin });
      const kube = await (deps ?? liveDeps(() => ctx.connectKube())).connect();
      // A refused read here keeps the API server's own hint (kubectl auth can-i …): pointing at
      // precheck from precheck (what install's guard adds) would send the user in a circle.
      return gatherPrecheck(kube, gen.objects, gen.install.revision);
    },
    printers: {
      text: (results, p) => renderPrecheck(results, p.color),
      json: (results) => renderPrecheckJson(results),
    },
    exitCode: (results) => (precheckFailed(results) ? ExitCode.Error : ExitCode.OK),
  };
}

/** The whole command on given options (tests). */
export async function precheck(ctx: CommandContext, o: PrecheckOptions, deps: ClusterDeps): Promise<number> {
  const format = ctx.outputFormat(PRECHECK_FORMATS, 'text');
  return execute(implementation(deps), ctx, { flags: { filename: [...o.files], set: [...o.sets], revision: o.revision }, args: [], format });
}
