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
