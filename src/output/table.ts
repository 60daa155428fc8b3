/**
 * Borderless, kubectl-style tables. The layout follows Go's text/tabwriter (what istioctl and
 * kubectl print through): every cell but the last of a row is padded to its column's widest cell
 * plus `padding` spaces; the last cell is written as is, so rows carry no trailing blanks beyond
 * what an empty last column leaves. Column widths ignore ANSI color codes, so callers may paint
 * cells before rendering.
 */
export interface TableOptions {
  /** Spaces after the widest cell of each column (istioctl uses 5 for most tables, 1 for some). */
  padding?: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleWidth(s: string): number {
  return s.includes('\u001b') ? s.replace(ANSI, '').length : s.length;
}

/** Renders a header row and data rows; every line ends with "\n". No rows gives just the header. */
export function renderTable(header: readonly string[] | null, rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const padding = opts.padding ?? 3;
  const all: (readonly string[])[] = header ? [header, ...rows] : [...rows];
  if (all.length === 0) return '';
  const widths: number[] = [];
  for (const r of all) {
    // The last cell of a row never takes part in alignment (tabwriter semantics).
    for (let i = 0; i < r.length - 1; i++) {
      const w = visibleWidth(r[i] ?? '');
      if ((widths[i] ?? 0) < w) widths[i] = w;
    }
  }
  let out = '';
  for (const r of all) {
    let line = '';
    for (let i = 0; i < r.length; i++) {
      const cell = r[i] ?? '';
      if (i === r.length - 1) line += cell;
      else line += cell + ' '.repeat((widths[i] ?? 0) - visibleWidth(cell) + padding);
    }
    out += line + '\n';
  }
  return out;
}
