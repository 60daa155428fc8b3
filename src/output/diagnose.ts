/**
 * Renders a diagnosis: a segment table (✔ ok, × fault, ? unknown) with one line of evidence per
 * segment and where it was read, then the verdict and next steps; or the -o json contract.
 */
import type { Diagnosis, Evidence, SegmentResult } from '../diagnose/model.js';
import type { Painter } from './paint.js';
import { renderTable } from './table.js';

const GLYPH = { ok: '✔', fault: '×', unknown: '?' } as const;

/** The line that stands for a segment: its heaviest fault, else its heaviest ok evidence. */
export function headline(s: SegmentResult): Evidence | undefined {
  const by = (status: Evidence['status']) => [...s.evidence.filter((e) => e.status === status)].sort((a, b) => b.weight - a.weight)[0];
  return s.status === 'fault' ? by('fault') : s.status === 'ok' ? by('ok') : undefined;
}

export interface DiagnoseTableOptions {
  /** Every evidence line, not just the headline. */
  readonly verbose?: boolean;
}

export function renderDiagnoseTable(d: Diagnosis, paint: Painter, opts: DiagnoseTableOptions = {}): string {
  const mark = (s: SegmentResult['status']) => (s === 'ok' ? paint.ok(GLYPH.ok) : s === 'fault' ? paint.error(GLYPH.fault) : paint.warning(GLYPH.unknown));
  const rows: string[][] = [];
  for (const s of d.segments) {
    const h = headline(s);
    const shown = opts.verbose ? s.evidence : h ? [h] : [];
    if (shown.length === 0) {
      rows.push([mark(s.status), s.name, paint.dim(s.evidence.length ? `no ok/fault evidence (${s.evidence.length} note${s.evidence.length > 1 ? 's' : ''})` : 'no evidence')]);
      if (opts.verbose) for (const e of s.evidence) rows.push(['', '', paint.dim(`${e.summary}  [${e.source}]`)]);
      continue;
    }
    shown.forEach((e, i) => {
      const sym = i === 0 ? mark(s.status) : '';
      const name = i === 0 ? s.name : '';
      const text = opts.verbose ? `${e.status === 'fault' ? '× ' : e.status === 'ok' ? '✔ ' : '· '}${e.summary}` : e.summary;
      rows.push([sym, name, text]);
      rows.push(['', '', paint.dim(`from ${e.source}`)]);
    });
  }
  const via = d.via ? ` via ${d.via}` : '';
  let out = `${paint.bold(`Diagnose ${d.from} → ${d.to}${via}`)}\n\n`;
  out += renderTable(null, rows, { padding: 2 });
  const v = d.verdict;
  const verdictText =
    v.segment === 'none' ? paint.ok('no fault found') : v.segment === 'unknown' ? paint.warning('unknown') : paint.error(`fault in ${v.segment}`);
  out += `\n${paint.bold('Verdict:')} ${verdictText} (${v.confidence} confidence): ${v.summary}\n`;
  if (d.nextSteps.length) {
    out += `\n${paint.bold('Next steps:')}\n`;
    d.nextSteps.forEach((s, i) => (out += `  ${i + 1}. ${s}\n`));
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
