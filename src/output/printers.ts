/**
 * The printer registry: which `-o` names exist and how a request picks a command's printer.
 * A command declares its formats (the human one first, named as istioctl names it for that
 * command: analyze "log", proxy-config "short", proxy-status "table", …) and supplies one printer
 * per format; nothing else switches on `-o`.
 *
 * The human format has had four names across commands (log, table, text, short). Each command
 * keeps its own (scripts and istioctl muscle memory use it), and the other three are accepted as
 * aliases of it, so `-o table` works wherever a table is printed.
 */
import { UsageError } from '../cli/errors.js';

/** Every name a human-readable format goes by. */
export const HUMAN_FORMATS = ['log', 'table', 'text', 'short'] as const;

/** What a printer may depend on besides the result: decided once by the CLI. */
export interface PrintContext {
  /** Color on (--color, NO_COLOR, TTY: src/cli/io.ts decideColor). */
  readonly color: boolean;
}

/** A printer: result → the text for stdout. Pure (async only to load a heavy serializer lazily). */
export type Printer<R> = (result: R, p: PrintContext) => string | Promise<string>;

/** One printer per declared format. */
export type Printers<R, F extends string = string> = Readonly<Record<F, Printer<R>>>;

/** JSON as every command prints it: two-space indent, trailing newline. */
export const printJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The format `-o` asks for among `declared` (case-insensitive; a human alias maps to the
 * command's human format); `fallback` (default: the first declared) when -o is absent. A usage
 * error lists the choices.
 */
export function chooseFormat<F extends string>(requested: string | undefined, declared: readonly F[], fallback: F = declared[0]!): F {
  if (requested === undefined || requested === '') return fallback;
  const want = requested.toLowerCase();
  const hit = declared.find((d) => d.toLowerCase() === want);
  if (hit !== undefined) return hit;
  if ((HUMAN_FORMATS as readonly string[]).includes(want)) {
    const human = declared.find((d) => (HUMAN_FORMATS as readonly string[]).includes(d));
    if (human !== undefined) return human;
  }
  throw new UsageError(`invalid output format "${requested}"; one of: ${declared.join(', ')}`);
}
