import { UsageError } from '../../cli/errors.js';
import { catalog } from '../../messages/catalog.js';
import type { Level } from '../../messages/types.js';

export type Threshold = Level | 'None';
export { OUTPUTS, type AnalyzeOutput } from './formats.js';

export function parseThreshold(flag: string, v: string): Threshold {
  const t = ['Info', 'Warning', 'Error', 'None'].find((x) => x.toLowerCase() === v.toLowerCase());
  if (!t) throw new UsageError(`${flag}: invalid level "${v}"; one of: Info, Warning, Error, None`);
  return t as Threshold;
}

/** True when a finding at `level` reaches the threshold (None: never). */
export function reaches(level: Level, threshold: Threshold): boolean {
  if (threshold === 'None') return false;
  const rank = { Info: 0, Warning: 1, Error: 2 } as const;
  return rank[level] >= rank[threshold];
}

export interface Suppression {
  readonly code: RegExp;
  readonly resource: RegExp;
  readonly text: string;
}

/** `-S "IST0102=Namespace frod"`, `-S "IST01*=Pod default/*"`. Unknown codes warn, as istioctl does. */
export function parseSuppressions(values: readonly string[], warn: (s: string) => void): Suppression[] {
  return values.map((text) => {
    const eq = text.indexOf('=');
    if (eq <= 0 || eq === text.length - 1) {
      throw new UsageError(`--suppress "${text}": expected <code>=<resource>, e.g. "IST0102=Namespace frod" or "IST0107=Pod default/*"`);
    }
    const code = text.slice(0, eq).trim();
    const resource = text.slice(eq + 1).trim();
    if (!code.includes('*') && !catalog.byCode(code)) {
      warn(`Supplied message code '${code}' is an unknown message code and will not have any effect.`);
    }
    return { code: glob(code, 'i'), resource: glob(resource, ''), text };
  });
}

export function glob(pattern: string, flags: string): RegExp {
  const body = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, flags);
}
