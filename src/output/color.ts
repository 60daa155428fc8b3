/** Whether output is coloured: decided once per run, here, from --color, the environment and the TTY. */
export type ColorMode = 'auto' | 'always' | 'never';

/** --color always/never wins; then NO_COLOR (set and non-empty: off), FORCE_COLOR (0/false: off, else on); then stdout a TTY that is not TERM=dumb. */
export function decideColor(mode: ColorMode, io: { readonly env: Readonly<Record<string, string | undefined>>; readonly isTTY: boolean }): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false';
  return io.isTTY && io.env.TERM !== 'dumb';
}
