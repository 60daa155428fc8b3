/** Pieces install, uninstall and precheck share: cluster connection, confirmation, durations. */
import type { CommandContext } from '../../cli/context.js';
import { UsageError, UserError } from '../../cli/errors.js';
import type { IO } from '../../cli/io.js';
import type { Clock } from '../../install/apply/wait.js';
import type { KubeWriteClient } from '../../kube/types.js';
import { MILLISECOND_NS, parseDuration } from '../../schema/duration.js';

/** What the command cores need from the outside; tests pass fakes. */
export interface ClusterDeps {
  readonly connect: () => Promise<KubeWriteClient>;
  readonly clock: Clock;
}

export function liveDeps(ctx: CommandContext): ClusterDeps {
  return {
    connect: async () => {
      const { connect } = await import('../../kube/client.js');
      const { KubeError } = await import('../../kube/types.js');
      try {
        return await connect({
          ...(ctx.globals.kubeconfig ? { kubeconfig: ctx.globals.kubeconfig } : {}),
          ...(ctx.globals.context ? { context: ctx.globals.context } : {}),
          ...(ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}),
          env: ctx.io.env,
        });
      } catch (e) {
        if (e instanceof KubeError) throw new UserError(e.message);
        throw e;
      }
    },
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
  };
}

/** --readiness-timeout: a Go duration ("300s", "5m"); at least 1s. */
export function parseTimeout(flag: string, raw: string): number {
  const ns = parseDuration(raw.trim());
  if (ns === undefined || ns < 1000 * MILLISECOND_NS) throw new UsageError(`${flag}: "${raw}" is not a duration of at least 1s (e.g. 300s, 10m)`);
  return ns / MILLISECOND_NS;
}

/** An IO that can ask the user a question (main.ts provides it when stdin is a terminal). */
type PromptingIO = IO & { readonly prompt?: (question: string) => Promise<string> };

/**
 * Asks "…? (y/N)" unless -y. Without a terminal (CI) there is nobody to answer: refuse with a
 * hint instead of hanging on stdin.
 */
export async function confirm(ctx: CommandContext, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const io = ctx.io as PromptingIO;
  if (!io.stdinIsTTY || !io.prompt) throw new UsageError('refusing to change the cluster without confirmation: stdin is not a terminal', 'Pass -y (--skip-confirmation) to proceed without a prompt.');
  const answer = (await io.prompt(`${question} (y/N) `)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/** stderr is a terminal (spinners go there). */
export function stderrIsTTY(ctx: CommandContext): boolean {
  return (ctx.io.stderr as { isTTY?: boolean }).isTTY === true && ctx.io.env.TERM !== 'dumb' && !ctx.io.env.CI;
}
