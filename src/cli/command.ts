/**
 * The command contract. A command is declared once, like an analyzer:
 *
 *   src/commands/<name>/index.ts   the declaration (light: no yaml, analyzer or kube imports, since
 *                                   every declaration loads at start-up): name, aliases, help,
 *                                   positional arguments, a typed flag table (src/cli/flags.ts),
 *                                   the -o formats, and `load`, which imports the implementation.
 *   src/commands/<name>/action.ts  the implementation: validate (flags + args → typed options,
 *                                   before any file or network access) → run (→ a result value) →
 *                                   one printer per format (src/output/printers.ts) → exit code.
 *
 * src/commands/index.ts lists the declarations in help order; src/cli/program.ts turns them into
 * commander commands with `attachCommand`. Errors are thrown, never translated (src/cli/errors.ts).
 */
import { Argument, type Command } from 'commander';
import { chooseFormat, type Printers } from '../output/printers.js';
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';
import { parseFlags, toOption, type FlagTable, type FlagValues } from './flags.js';

/** A positional argument: '<shell>', '[pod]', '[files...]'. */
export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  readonly choices?: readonly string[];
}

/** What validate gets: typed flags, the positional arguments and the chosen -o format. */
export interface Input<V, F extends string> {
  readonly flags: V;
  readonly args: readonly string[];
  readonly format: F;
  /** The commander program (completion walks it); absent when a test calls `execute` directly. */
  readonly program?: Command;
}

/** The implementation half of a command, imported lazily by `load`. */
export interface Implementation<V, F extends string, O, R> {
  /** Flags and arguments → options; throws usage errors. No file or network access here. */
  validate(input: Input<V, F>, ctx: CommandContext): O | Promise<O>;
  /** Does the work; progress and warnings may go to ctx.err, the result is returned. */
  run(ctx: CommandContext, options: O): Promise<R>;
  /** One printer per declared format; the chosen one writes the result to stdout. */
  readonly printers: Printers<R, F>;
  /** The exit code of a result. */
  exitCode(result: R): number;
  /**
   * An error to raise after the result is printed (install -o json prints the refused plan, then
   * fails with the API server's reason through the error map); undefined when the run succeeded.
   */
  failure?(result: R): unknown;
}

interface SpecBase {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly description: string;
  /** Text after the options in --help (examples, exit codes). */
  readonly help?: string;
  readonly hidden?: boolean;
}

/** A command that runs. */
export interface LeafSpec<T extends FlagTable, F extends string, O, R> extends SpecBase {
  readonly args?: readonly ArgSpec[];
  readonly flags: T;
  /** The -o formats, the human one first (src/output/printers.ts). */
  readonly formats: readonly F[];
  /** The format without -o (default: the first). */
  readonly defaultFormat?: F;
  /** istioctl's kube-inject: -o/--output names the file to write, not a format (the first is used). */
  readonly outputIsFile?: boolean;
  readonly load: () => Promise<Implementation<FlagValues<T>, F, O, R>>;
}

/** A command that only groups subcommands (tag, manifest). */
export interface GroupSpec extends SpecBase {
  readonly flags?: FlagTable;
  readonly subcommands: readonly CommandSpec[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandSpec = LeafSpec<FlagTable, string, any, any> | GroupSpec;

/** Declares a command, checking at compile time that flags, formats and implementation agree. */
export function defineCommand<const T extends FlagTable, const F extends string, O, R>(spec: LeafSpec<T, F, O, R>): CommandSpec {
  return spec as unknown as CommandSpec;
}

export function defineGroup(spec: GroupSpec): CommandSpec {
  return spec;
}

/** Runs a declared command inside commander's action: flags → validate → run → print → exit code. */
export type Runner = (spec: LeafSpec<FlagTable, string, unknown, unknown>) => (...args: unknown[]) => Promise<void>;

/** Adds a declared command (and its subcommands) to `parent`. */
export function attachCommand(parent: Command, spec: CommandSpec, runner: Runner): Command {
  const c = parent.command(spec.name, spec.hidden ? { hidden: true } : {}).description(spec.description);
  if (spec.aliases?.length) c.aliases([...spec.aliases]);
  for (const [key, f] of Object.entries(spec.flags ?? {})) c.addOption(toOption(key, f));
  if ('subcommands' in spec) {
    recordGroupFlags(c, spec.flags);
    if (spec.help) c.addHelpText('after', spec.help);
    for (const sub of spec.subcommands) attachCommand(c, sub, runner);
    return c;
  }
  for (const a of spec.args ?? []) {
    const arg = new Argument(a.name, a.description);
    if (a.choices) arg.choices([...a.choices]);
    c.addArgument(arg);
  }
  if (spec.help) c.addHelpText('after', spec.help);
  c.action(runner(spec as LeafSpec<FlagTable, string, unknown, unknown>));
  return c;
}

/** The body every declared command runs (called by the Runner that src/cli/program.ts builds). */
export async function runDeclared(spec: LeafSpec<FlagTable, string, unknown, unknown>, ctx: CommandContext, cmd: Command, program: Command): Promise<number> {
  // Flags of the groups above (proxy-config's --proxy-admin-port) are the command's too.
  const table: FlagTable = { ...ancestorsFlags(cmd, program), ...spec.flags };
  const flags = parseFlags(table, cmd.optsWithGlobals());
  if (ctx.globals.output !== undefined) {
    for (const [key, f] of Object.entries(table)) if (f.kind === 'switch' && f.replacesOutput && (flags as Record<string, unknown>)[key] === true) throw new UsageError(f.replacesOutput);
  }
  const format = spec.outputIsFile ? spec.formats[0]! : chooseFormat(ctx.globals.output, spec.formats, spec.defaultFormat);
  return execute(await spec.load(), ctx, { flags, args: cmd.args, format, program });
}

/** The one pipeline: validate → run → the format's printer to stdout → the result's exit code. */
export async function execute<V, F extends string, O, R>(impl: Implementation<V, F, O, R>, ctx: CommandContext, input: Input<V, F>): Promise<number> {
  const printer = impl.printers[input.format];
  if (!printer) throw new Error(`no printer for -o ${input.format}`);
  const options = await impl.validate(input, ctx);
  const result = await impl.run(ctx, options);
  ctx.out(await printer(result, { color: ctx.color }));
  const failure = impl.failure?.(result);
  if (failure !== undefined) throw failure;
  return impl.exitCode(result);
}

/** Flags declared by the group commands between `cmd` and the program (recorded by attachCommand). */
function ancestorsFlags(cmd: Command, program: Command): FlagTable {
  const out: Record<string, FlagTable[string]> = {};
  for (let c = cmd.parent; c && c !== program; c = c.parent) {
    const t = groupFlags.get(c);
    if (t) Object.assign(out, t);
  }
  return out;
}

const groupFlags = new WeakMap<Command, FlagTable>();

/** Remembers a group's flag table for its subcommands (attachCommand calls it). */
export function recordGroupFlags(c: Command, t: FlagTable | undefined): void {
  if (t) groupFlags.set(c, t);
}
