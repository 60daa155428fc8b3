/**
 * End of life of Istio minors (istio.io "Supported Releases"). Policy: a minor is supported until
 * 6 weeks after the N+2 minor is released. Dates marked approx are the page's "~Month YYYY"
 * expectation or that rule applied to the N+2 release date. A minor not listed is not known to be
 * past end of life (a newer release than this table): judged OK, and the evidence says so.
 */
export interface Eol {
  readonly minor: string;
  readonly date: string;
  readonly approx?: boolean;
}

export const EOL: readonly Eol[] = [
  { minor: '1.10', date: '2022-01-07', approx: true },
  { minor: '1.11', date: '2022-03-25', approx: true },
  { minor: '1.12', date: '2022-07-12', approx: true },
  { minor: '1.13', date: '2022-10-12', approx: true },
  { minor: '1.14', date: '2023-01-02', approx: true },
  { minor: '1.15', date: '2023-03-31', approx: true },
  { minor: '1.16', date: '2023-07-25', approx: true },
  { minor: '1.17', date: '2023-10-27', approx: true },
  { minor: '1.18', date: '2024-01-04', approx: true },
  { minor: '1.19', date: '2024-04-13', approx: true },
  { minor: '1.20', date: '2024-06-25', approx: true },
  { minor: '1.21', date: '2024-09-27', approx: true },
  { minor: '1.22', date: '2024-12-02', approx: true },
  { minor: '1.23', date: '2025-04-16' },
  { minor: '1.24', date: '2025-06-24' },
  { minor: '1.25', date: '2025-12-31', approx: true },
  { minor: '1.26', date: '2026-01-31', approx: true },
];

/** Days from `now` until the minor's end of life (negative: past it); undefined when not listed. */
export function daysToEol(version: string, now: Date): { days: number; eol: Eol } | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const hit = EOL.find((e) => e.minor === `${major}.${minor}`);
  if (hit) return { days: Math.floor((Date.parse(`${hit.date}T00:00:00Z`) - now.getTime()) / 86_400_000), eol: hit };
  // Older than the table (1.9 and before): long past end of life.
  if (major === 1 && minor < 10) return { days: Math.floor((Date.parse('2021-10-01T00:00:00Z') - now.getTime()) / 86_400_000), eol: { minor: `${major}.${minor}`, date: 'before 2021-10', approx: true } };
  return undefined;
}
