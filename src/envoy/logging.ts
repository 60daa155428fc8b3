/**
 * Envoy log levels (`proxy-config log`). GET/POST /logging answers "active loggers:" followed by
 * "  <name>: <level>" lines; POST /logging?level=<l> sets all loggers, ?<logger>=<l> one.
 */
export const LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;
import { KindError } from '../util/errors.js';
export type Level = (typeof LEVELS)[number];

export function parseLogging(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s+([^\s:]+):\s*(\S+)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Envoy spells it "warning"; istioctl also accepts "warn". */
export function normalizeLevel(l: string): Level | undefined {
  const v = l.trim().toLowerCase();
  const n = v === 'warn' ? 'warning' : v;
  return (LEVELS as readonly string[]).includes(n) ? (n as Level) : undefined;
}

export type LevelChange = { all: Level } | { loggers: [string, Level][] };

export class LogLevelError extends KindError {
  constructor(message: string) {
    super(message, 'failed');
    this.name = 'LogLevelError';
  }
}

/**
 * Parses --level: "debug" (every logger) or "http:debug,rbac:trace". Logger names are checked
 * against the names the proxy reported, so a typo fails before anything changes.
 */
export function parseLevelArg(arg: string, known: ReadonlySet<string> | undefined): LevelChange {
  if (!arg.includes(':')) {
    const l = normalizeLevel(arg);
    if (!l) throw new LogLevelError(`unrecognized logging level: ${arg}`);
    return { all: l };
  }
  const loggers: [string, Level][] = [];
  for (const part of arg.split(',')) {
    const [name = '', level = ''] = part.split(':', 2).map((s) => s.trim());
    if (known && !known.has(name)) throw new LogLevelError(`unrecognized logger name: ${name}`);
    const l = normalizeLevel(level);
    if (!l) throw new LogLevelError(`unrecognized logging level: ${level}`);
    loggers.push([name, l]);
  }
  return { loggers };
}

/** Admin paths to POST for a change, in order. */
export function levelChangePaths(c: LevelChange): string[] {
  if ('all' in c) return [`logging?level=${c.all}`];
  return c.loggers.map(([n, l]) => `logging?${encodeURIComponent(n)}=${l}`);
}
