/**
 * The glyphs every human-readable output uses, in one place. istioctl's: ✔ for success, ✘ for
 * failure (istioctl install, check-inject), ‼ for a warning (linkerd check, istioctl precheck).
 * Until istio-ts 0.1 diagnose and precheck printed × for failure; it is ✘ everywhere now.
 */
import type { Painter } from './paint.js';

export const GLYPH = {
  ok: '✔',
  fail: '✘',
  warn: '‼',
  unknown: '?',
  info: '·',
} as const;

/** The glyphs, coloured by `p` (identity when color is off): green ✔, bold red ✘, yellow ‼. */
export function glyphs(p: Painter): { readonly ok: string; readonly fail: string; readonly warn: string } {
  return { ok: p.ok(GLYPH.ok), fail: p.error(GLYPH.fail), warn: p.warning(GLYPH.warn) };
}
