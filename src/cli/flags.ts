/**
 * Flags, declared once as a table and parsed once, here. A command lists its flags as
 * `{ optionKey: { flags: '-t, --timeout <duration>', kind: 'duration', … } }`; src/cli/command.ts
 * builds commander from the table (help text unchanged: commander sees the raw default) and, after
 * commander has parsed argv, turns the raw strings into typed values with the rules below. A bad
 * value is a usage error (exit 64) naming the flag, raised before any file or network access.
 *
 * Durations follow kubectl (its --request-timeout, which every istio-ts duration flag shares):
 * a Go duration ("30s", "2m", "1m30s", "1500ms") or a bare number of seconds ("300"); "0" is zero.
 * A flag may set a minimum (--readiness-timeout: 1s) or refuse zero (--timeout of the admin API).
 */
import { Option } from 'commander';
import { parseDuration as parseGoDuration } from '../util/duration.js';
import { UsageError } from './errors.js';

interface FlagBase {
  /** Commander's flag syntax: '-f, --file <file>', '--verbose [bool]', '--dry-run'. */
  readonly flags: string;
  readonly description: string;
  /** Not listed by --help (accepted for istioctl compatibility). */
  readonly hidden?: boolean;
  /** An environment variable that supplies the value when the flag is absent. */
  readonly env?: string;
}

/** A string value ('<v>'), undefined when absent and without default. */
export interface StringFlag extends FlagBase {
  readonly kind: 'string';
  readonly default?: string;
  /** Commander's requiredOption: absent is a usage error. */
  readonly required?: boolean;
}
/** A switch: '--dry-run' (false when absent), or '--no-x' (true unless given). */
export interface SwitchFlag extends FlagBase {
  readonly kind: 'switch';
  readonly default?: boolean;
  /**
   * The switch replaces the command's output (health --emit-rules prints a rule file), so -o does
   * not apply: given both, this is the usage error, before -o is checked against the formats.
   */
  readonly replacesOutput?: string;
}
/** A boolean that takes an optional value, as Go's pflag: '--verbose', '--verbose=false', '-k true'. */
export interface BoolFlag extends FlagBase {
  readonly kind: 'bool';
  readonly default?: boolean;
}
/** A duration in milliseconds (the rule above). */
export interface DurationFlag extends FlagBase {
  readonly kind: 'duration';
  readonly default?: string;
  /** The smallest accepted value in ms (0 allows "0"; default 0). */
  readonly minMs?: number;
  /** With an optional value ('--watch [interval]'): the value of the bare flag. */
  readonly whenBare?: string;
}
/** One of a fixed set (commander checks it, lists it in --help and completion offers it). */
export interface EnumFlag<C extends string = string> extends FlagBase {
  readonly kind: 'enum';
  readonly choices: readonly C[];
  readonly default?: C;
}
/** Repeatable: '-f a -f b' → ['a', 'b'] (empty when absent). */
export interface ListFlag extends FlagBase {
  readonly kind: 'list';
}
/** A port 1-65535 ("" or 0: unset). */
export interface PortFlag extends FlagBase {
  readonly kind: 'port';
  readonly default?: string;
}
/** A whole number ≥ min (default 1). */
export interface IntFlag extends FlagBase {
  readonly kind: 'int';
  readonly default?: string;
  readonly min?: number;
}

export type FlagSpec = StringFlag | SwitchFlag | BoolFlag | DurationFlag | EnumFlag | ListFlag | PortFlag | IntFlag;
export type FlagTable = Readonly<Record<string, FlagSpec>>;

type HasDefault<F> = F extends { readonly default: unknown } ? true : F extends { readonly required: true } ? true : false;

/** The typed value of one flag. */
export type FlagValue<F extends FlagSpec> = F extends StringFlag
  ? HasDefault<F> extends true ? string : string | undefined
  : F extends SwitchFlag
    ? boolean
    : F extends BoolFlag
      ? HasDefault<F> extends true ? boolean : boolean | undefined
      : F extends DurationFlag
        ? HasDefault<F> extends true ? number : number | undefined
        : F extends EnumFlag<infer C>
          ? HasDefault<F> extends true ? C : C | undefined
          : F extends ListFlag
            ? string[]
            : F extends PortFlag
              ? number | undefined
              : F extends IntFlag
                ? HasDefault<F> extends true ? number : number | undefined
                : never;

/** The typed values of a flag table: what a command's validate step gets. */
export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: FlagValue<T[K]> };

/** Declares a flag table, keeping each entry's literal type (defaults, enum choices). */
export const flagTable = <const T extends FlagTable>(t: T): T => t;

/** The commander Option of a flag (raw strings; typed later by parseFlags). */
export function toOption(key: string, f: FlagSpec): Option {
  const o = new Option(f.flags, f.description);
  if (o.attributeName() !== key) throw new Error(`flag table: key "${key}" does not match ${f.flags} (commander calls it "${o.attributeName()}")`);
  if (f.hidden) o.hideHelp();
  if (f.env) o.env(f.env);
  switch (f.kind) {
    case 'list':
      o.argParser(collect).default([]);
      break;
    case 'enum':
      o.choices([...f.choices]);
      if (f.default !== undefined) o.default(f.default);
      break;
    case 'bool':
      // The value is checked in parseFlags; commander passes true for a bare flag.
      if (f.default !== undefined) o.default(f.default);
      break;
    case 'switch':
      if (f.default !== undefined) o.default(f.default);
      break;
    case 'string':
      if (f.required) o.makeOptionMandatory();
      if (f.default !== undefined) o.default(f.default);
      break;
    default:
      if (f.default !== undefined) o.default(f.default);
  }
  return o;
}

/** The long name as users type it ("--timeout"), for messages. */
export function longName(f: FlagSpec): string {
  return /--[\w-]+/.exec(f.flags)?.[0] ?? f.flags;
}

/** Raw commander values → typed values, or a usage error naming the first bad flag. */
export function parseFlags<T extends FlagTable>(table: T, raw: Readonly<Record<string, unknown>>): FlagValues<T> {
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(table)) out[key] = parseFlag(f, raw[key]);
  return out as FlagValues<T>;
}

function parseFlag(f: FlagSpec, v: unknown): unknown {
  const name = longName(f);
  switch (f.kind) {
    case 'list':
      return Array.isArray(v) ? [...(v as string[])] : [];
    case 'switch':
      return v === true;
    case 'bool':
      if (v === undefined) return undefined;
      return v === true ? true : parseBoolFlag(name)(String(v));
    case 'string':
      return v === undefined ? undefined : String(v);
    case 'duration': {
      if (v === undefined) return undefined;
      if (v === true && f.whenBare !== undefined) return parseDurationFlag(name, f.whenBare, f.minMs ?? 0);
      return parseDurationFlag(name, String(v), f.minMs ?? 0);
    }
    case 'enum':
      if (v === undefined) return undefined;
      return parseEnum(name, String(v), f.choices);
    case 'port':
      return parsePort(name, v === undefined ? undefined : String(v));
    case 'int':
      return v === undefined ? undefined : parseIntFlag(name, String(v), f.min ?? 1);
  }
}

/** A --flag [bool] parser: no value or true/1/yes is true; false/0/no is false; else a usage error. */
export function parseBoolFlag(flag: string) {
  return (v: string | undefined): boolean => {
    if (v === undefined) return true;
    if (/^(true|1|yes)$/i.test(v)) return true;
    if (/^(false|0|no)$/i.test(v)) return false;
    throw new UsageError(`${flag}: expected true or false, got "${v}"`);
  };
}

/** One of `choices`, case-insensitively; the usage error lists them. */
export function parseEnum<C extends string>(flag: string, v: string, choices: readonly C[]): C {
  const hit = choices.find((c) => c.toLowerCase() === v.toLowerCase());
  if (hit === undefined) throw new UsageError(`${flag}: invalid value "${v}"; one of: ${choices.join(', ')}`);
  return hit;
}

/** A port flag: 1-65535; "" or 0 means unset. */
export function parsePort(flag: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: "${v}" is not a port number`);
  return n === 0 ? undefined : n;
}

/** A whole number ≥ min (default 1), else a usage error naming the flag. */
export function parseIntFlag(flag: string, v: string, min = 1): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`${flag}: "${v}" is not ${min === 1 ? 'a positive integer' : `a whole number of at least ${min}`}`);
  return n;
}

/** Commander accumulator for repeatable flags (-S a -S b). */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * THE duration rule (kubectl's): "30s", "2m", "1500ms", "1m30s" (Go durations), or a bare number
 * of seconds. Milliseconds, or undefined when it is not a duration.
 */
export function parseFlagDuration(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const ns = parseGoDuration(t);
  return ns === undefined || ns < 0 ? undefined : ns / 1e6;
}

/**
 * A duration flag's value in ms, at least `minMs` (0: "0" means none; 1: anything above 0);
 * else a usage error naming the flag.
 */
export function parseDurationFlag(flag: string, v: string, minMs = 0): number {
  const ms = parseFlagDuration(v);
  if (ms === undefined || ms < minMs) {
    const what = minMs === 0 ? 'a duration' : minMs < 1000 ? 'a duration above 0' : `a duration of at least ${minMs % 1000 === 0 ? `${minMs / 1000}s` : `${minMs}ms`}`;
    throw new UsageError(`${flag}: "${v}" is not ${what} (e.g. 30s, 2m, or a number of seconds${minMs === 0 ? '; 0 for none' : ''})`);
  }
  return ms;
}
