import { Chalk } from 'chalk';

/** Colors decided once per run; with color off every function is the identity. */
export interface Painter {
  error(s: string): string;
  warning(s: string): string;
  ok(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function painter(color: boolean): Painter {
  const c = new Chalk({ level: color ? 1 : 0 });
  return {
    error: (s) => c.bold.red(s),
    warning: (s) => c.yellow(s),
    ok: (s) => c.green(s),
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
  };
}
