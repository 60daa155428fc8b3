import { parseDuration as parseGoDuration } from '../schema/duration.js';
import { UsageError } from './errors.js';

/** A --flag [bool] parser: no value or true/1/yes is true; false/0/no is false; else a usage error. */
export function parseBoolFlag(flag: string) {
  return (v: string | undefined): boolean => {
    if (v === undefined) return true;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    throw new UsageError(`${flag}: expected true or false, got "${v}"`);
  };
}

/** A port flag: 1-65535; "" or 0 means unset. */
export function parsePort(flag: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: "${v}" is not a port number`);
  return n === 0 ? undefined : n;
}

/** Commander accumulator for repeatable flags (-S a -S b). */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * A timeout/--since flag: "30s", "2m", "1500ms", "1m30s" (Go durations), or a bare number of
 * seconds as kubectl accepts. Milliseconds, or undefined when it is not a duration.
 */
export function parseFlagDuration(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const ns = parseGoDuration(t);
  return ns === undefined || ns < 0 ? undefined : ns / 1e6;
}
