/**
 * Renders a diagnosis: a segment table (✔ ok, × fault, ? unknown) with the evidence that stands
 * for each segment and where it was read, warnings (‼: faults that do not explain what the
 * access logs show), then the verdict and next steps; or the -o json contract.
 *
 * Read at 3 a.m. in a terminal: with a width (stdout is a terminal), every line is wrapped at
 * words to fit, continuation lines indented under their column (a hanging indent), so nothing
 * wraps mid-word at the terminal's edge. Without one (piped, redirected) lines are not wrapped,
 * so grep and scripts see one line per item.
 */
import type { Diagnosis, Evidence, SegmentResult } from '../diagnose/model.js';
import type { Painter } from './paint.js';
import { visibleWidth } from './table.js';
import { GLYPH } from './symbols.js';

const EVIDENCE_GLYPH = { ok: GLYPH.ok, fault: GLYPH.fail, info: GLYPH.info, warning: GLYPH.warn } as const;

/** Warnings shown per segment without -v; the rest are counted. */
const WARNINGS_SHOWN = 2;

/**
 * The line that stands for a segment: the verdict's own evidence when it is on this segment, else
 * its heaviest fault, else its heaviest ok evidence.
 */
export function headline(s: SegmentResult, verdictSummary?: string): Evidence | undefined {
  const by = (status: Evidence['status']) => [...s.evidence.filter((e) => e.status === status)].sort((a, b) => b.weight - a.weight)[0];
  if (s.status === 'fault') return s.evidence.find((e) => e.status === 'fault' && verdictSummary?.startsWith(e.summary)) ?? by('fault');
  return s.status === 'ok' ? by('ok') : undefined;
}

export interface DiagnoseTableOptions {
  /** Every evidence line, not just the headline. */
  readonly verbose?: boolean;
  /** Terminal columns to fit lines into; undefined (piped output): no wrapping. */
  readonly width?: number;
}

/**
 * Wraps text at spaces so that `indent` + each line fits `width`; continuation lines get
 * `indent` + `hang` spaces. A word longer than the room is kept whole (it overflows rather than
 * being cut). The first line's indent is the caller's (it is usually a prefix already written).
 */
export function wrap(text: string, width: number | undefined, indent: number, hang = 2): string {
  if (width === undefined) return text;
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  let room = width - indent;
  for (const w of words) {
    if (line === '') line = w;
    else if (visibleWidth(line) + 1 + visibleWidth(w) <= room) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
      room = width - indent - hang;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent + hang)}`);
}

export function renderDiagnoseTable(d: Diagnosis, paint: Painter, opts: DiagnoseTableOptions = {}): string {
  const width = opts.width !== undefined && opts.width >= 40 ? opts.width : undefined;
  const mark = (s: SegmentResult['status']) => (s === 'ok' ? paint.ok(GLYPH.ok) : s === 'fault' ? paint.error(GLYPH.fail) : paint.warning(GLYPH.unknown));
  const evMark = (e: Evidence) => {
    const g = EVIDENCE_GLYPH[e.status];
    return e.status === 'fault' ? paint.error(g) : e.status === 'warning' ? paint.warning(g) : e.status === 'ok' ? paint.ok(g) : g;
  };
  const nameWidth = Math.max(...d.segments.map((s) => s.name.length));
  const col = 1 + 2 + nameWidth + 2;
  let body = '';
  const row = (glyph: string, name: string, text: string, hang = 2) => {
    const prefix = glyph === '' && name === '' ? ' '.repeat(col) : `${glyph}${' '.repeat(1 + 2 - visibleWidth(glyph))}${name.padEnd(nameWidth + 2)}`;
    body += `${prefix}${wrap(text, width, col, hang)}\n`;
  };
  const evidenceRows = (e: Evidence, withMark: boolean) => {
    row('', '', withMark ? `${evMark(e)} ${e.summary}` : e.summary, withMark ? 4 : 2);
    row('', '', paint.dim(`from ${e.source}`), withMark ? 4 : 2);
  };
  for (const s of d.segments) {
    const h = headline(s, d.verdict.summary);
    const warnings = s.evidence.filter((e) => e.status === 'warning');
    if (opts.verbose) {
      const [first, ...rest] = s.evidence;
      if (!first) {
        row(mark(s.status), s.name, paint.dim('no evidence'));
        continue;
      }
      // The segment's headline first, then the rest in probe order.
      const ordered = h ? [h, ...s.evidence.filter((e) => e !== h)] : [first, ...rest];
      ordered.forEach((e, i) => {
        const text = `${evMark(e)} ${e.summary}`;
        if (i === 0) row(mark(s.status), s.name, text, 4);
        else row('', '', text, 4);
        row('', '', paint.dim(`from ${e.source}`), 4);
      });
      continue;
    }
    if (!h) {
      const notes = s.evidence.filter((e) => e.status === 'info').length;
      row(mark(s.status), s.name, paint.dim(notes ? `no ok/fault evidence (${notes} note${notes > 1 ? 's' : ''})` : warnings.length ? 'no ok/fault evidence' : 'no evidence'));
    } else {
      row(mark(s.status), s.name, h.summary);
      row('', '', paint.dim(`from ${h.source}`));
    }
    for (const w of warnings.slice(0, WARNINGS_SHOWN)) evidenceRows(w, true);
    if (warnings.length > WARNINGS_SHOWN) row('', '', paint.dim(`and ${warnings.length - WARNINGS_SHOWN} more warnings (-v shows them)`));
  }
  const via = d.via ? ` via ${d.via}` : '';
  let out = `${paint.bold(wrap(`Diagnose ${d.from} → ${d.to}${via}`, width, 0))}\n\n`;
  out += body;
  const v = d.verdict;
  const verdictText = v.segment === 'none' ? paint.ok('no fault found') : v.segment === 'unknown' ? paint.warning('unknown') : paint.error(`fault in ${v.segment}`);
  out += `\n${wrap(`${paint.bold('Verdict:')} ${verdictText} (${v.confidence} confidence): ${v.summary}`, width, 0)}\n`;
  if (d.segments.some((s) => s.evidence.some((e) => e.status === 'warning'))) {
    out += `${wrap(paint.dim(`${GLYPH.warn} marks findings left out of the verdict: they cannot cause what the access logs show (or, with no request failing, the passing requests refute them).`), width, 0)}\n`;
  }
  if (d.nextSteps.length) {
    out += `\n${paint.bold('Next steps:')}\n`;
    d.nextSteps.forEach((s, i) => {
      const label = `  ${i + 1}. `;
      // On a terminal, one command per line (copy-paste at 3 a.m.); piped, the step stays whole.
      const parts = width === undefined ? [s] : s.split('; ');
      out += parts.map((p, k) => `${k === 0 ? label : ' '.repeat(label.length)}${wrap(p, width, label.length)}`).join('\n') + '\n';
    });
  }
  return out;
}

/** The -o json contract (docs/diagnose.md): stable keys, no color. */
export function diagnoseJson(d: Diagnosis): Record<string, unknown> {
  return {
    from: d.from,
    to: d.to,
    ...(d.via ? { via: d.via } : {}),
    verdict: { segment: d.verdict.segment, confidence: d.verdict.confidence, summary: d.verdict.summary },
    segments: d.segments.map((s) => ({
      name: s.name,
      status: s.status,
      evidence: s.evidence.map((e) => ({ id: e.id, status: e.status, summary: e.summary, source: e.source })),
    })),
    nextSteps: [...d.nextSteps],
  };
}

export function renderDiagnoseJson(d: Diagnosis): string {
  return `${JSON.stringify(diagnoseJson(d), null, 2)}\n`;
}
