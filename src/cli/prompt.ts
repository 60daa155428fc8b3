/** Talking to the person at the terminal: confirmation prompts and whether a spinner can run. */
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';
import type { IO } from './io.js';

/** An IO that can ask the user a question (main.ts provides it when stdin is a terminal). */
type PromptingIO = IO & { readonly prompt?: (question: string) => Promise<string> };

/**
 * Asks "…? (y/N)" unless -y. Without a terminal (CI) there is nobody to answer: refuse with a
 * hint instead of hanging on stdin.
 */
export async function confirm(ctx: CommandContext, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  const io = ctx.io as PromptingIO;
  if (!io.stdinIsTTY) throw new UsageError('refusing to change the cluster without confirmation: stdin is not a terminal', 'Pass -y (--skip-confirmation) to proceed without a prompt.');
  if (!io.prompt) throw new UsageError('refusing to change the cluster without confirmation: this build cannot prompt', 'Review the plan above, then pass -y (--skip-confirmation).');
  const answer = (await io.prompt(`${question} (y/N) `)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/**
 * The width of stderr when it is a terminal a spinner can redraw, else undefined. A pty that
 * reports 0 columns (script(1), some CI runners) makes ora's line counting divide by zero and
 * emit cursor-up sequences without end, so it gets plain lines too.
 */
export function spinnerWidth(ctx: CommandContext): number | undefined {
  const s = ctx.io.stderr as { isTTY?: boolean; columns?: number };
  if (s.isTTY !== true || ctx.io.env.TERM === 'dumb' || ctx.io.env.CI) return undefined;
  return typeof s.columns === 'number' && s.columns >= 20 ? s.columns : undefined;
}
