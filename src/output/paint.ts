import { Chalk } from 'chalk';

/** Colors decided once per run; with color off every function is the identity. */
export interface Painter {
  error(s: string): string;
  warning(s: string): string;
  ok(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const identity = (s: string): string => s;
const PLAIN: Painter = { error: identity, warning: identity, ok: identity, dim: identity, bold: identity };

/**
 * chalk is loaded only when colour is on: scripts/build.mjs makes this import lazy in the bundle
 * (a plain run, piped or NO_COLOR, never initialises it; that was ~1.5 ms of every start).
 */
export function painter(color: boolean): Painter {
  if (!color) return PLAIN;
  const c = new Chalk({ level: 1 });
  return {
    error: (s) => c.bold.red(s),
    warning: (s) => c.yellow(s),
    ok: (s) => c.green(s),
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
  };
}
