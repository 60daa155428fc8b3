import { Command, Option } from 'commander';
import { attachCommand, runDeclared, type CommandSpec, type Runner } from './command.js';
import { CommandContext, type GlobalOptions } from './context.js';
import { parseDurationFlag } from './flags.js';
import type { IO } from './io.js';
import { VERSION } from './version.js';

export interface Program {
  readonly program: Command;
  readonly exitCode: () => number;
}

/**
 * The commander program of `registry` (src/commands/index.ts), in registry order. Given the
 * argv, only the command it names is attached when it names one (building all sixteen, with
 * every flag, was ~1.5 ms of each start); help, completion and anything unrecognised get all.
 */
export function buildProgram(io: IO, registry: readonly CommandSpec[], argv?: readonly string[]): Program {
  let code = 0;
  const program = new Command('istio-ts')
    .description('Install, inspect, lint and troubleshoot Istio — an istioctl-compatible CLI.')
    .version(VERSION, '--version', 'print the istio-ts version and exit')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .exitOverride();
  for (const o of globalOptions()) program.addOption(o);
  program.addHelpText(
    'after',
    `
Examples:
  # Lint Istio configuration in CI, with no cluster (exit 79 on errors, in every output format)
  istio-ts analyze -R ./manifests -o sarif > istio.sarif

  # Analyze the live cluster, all namespaces
  istio-ts analyze -A

Exit codes: 0 ok, 1 error, 64 usage, 65 unparseable input, 66 missing input, 79 analyze found issues,
80 diagnose attributed a fault, 81/82/83 health: a segment fails / is degraded / cannot be told.`,
  );

  const runner: Runner = (spec) => async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    code = await runDeclared(spec, contextOf(cmd), cmd, program);
  };
  const contextOf = (cmd: Command): CommandContext => {
    const g = cmd.optsWithGlobals() as Record<string, unknown>;
    // kubectl's --request-timeout: a duration ("30s", "1m") or bare seconds; 0 means no limit.
    const requestTimeoutMs = g.requestTimeout === undefined ? undefined : parseDurationFlag('--request-timeout', String(g.requestTimeout));
    const globals: GlobalOptions = {
      istioNamespace: String(g.istioNamespace ?? 'istio-system'),
      color: (g.color as GlobalOptions['color']) ?? 'auto',
      ...(g.kubeconfig ? { kubeconfig: String(g.kubeconfig) } : {}),
      ...(g.context ? { context: String(g.context) } : {}),
      ...(g.namespace ? { namespace: String(g.namespace) } : {}),
      ...(g.output ? { output: String(g.output) } : {}),
      ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    };
    return new CommandContext(io, globals);
  };
  const only = argv ? namedCommand(program, registry, argv) : undefined;
  for (const spec of only ? [only] : registry) attachCommand(program, spec, runner);
  for (const c of program.commands) {
    c.exitOverride().configureOutput(program.configureOutput());
    c.showHelpAfterError('(run with --help for usage)');
  }
  return { program, exitCode: () => code };
}

/** The program's own options, before or after the command's (kubectl's global flags). */
function globalOptions(): Option[] {
  return [
    new Option('-c, --kubeconfig <file>', 'kubeconfig file (default $KUBECONFIG, then ~/.kube/config)'),
    new Option('--context <name>', 'kubeconfig context to use'),
    new Option('-n, --namespace <ns>', 'namespace (default: the context\'s, else "default")'),
    new Option('-i, --istioNamespace <ns>', 'Istio control-plane namespace').default('istio-system').env('ISTIOCTL_ISTIONAMESPACE'),
    new Option('-o, --output <format>', 'output format (each command lists its own)'),
    new Option('--color <when>', 'color output').choices(['auto', 'always', 'never']).default('auto'),
    new Option('--request-timeout <duration>', 'the longest any single API server call or port-forward upgrade may take, e.g. 10s, 1m; 0 waits forever (default 30s)'),
  ];
}

/**
 * What dist/cli/loader.cjs needs to choose the per-command bundle before loading any code (written
 * into it by scripts/build.mjs): each word naming a command (names and aliases), and the program's
 * options that take a value, which namedCommand skips with their values. `completion` describes
 * every command and has no bundle of its own.
 */
export function launcherIndex(registry: readonly CommandSpec[]): { words: Record<string, string>; valueFlags: string[] } {
  const words: Record<string, string> = {};
  for (const c of registry) if (c.name !== 'completion') for (const w of [c.name, ...(c.aliases ?? [])]) words[w] = c.name;
  const valueFlags = globalOptions()
    .filter((o) => o.required)
    .flatMap((o) => [o.long, o.short])
    .filter((f): f is string => f !== undefined);
  return { words, valueFlags };
}

/**
 * The command the argv runs, when its first word (after the program's own options and their
 * values) is a command's name or alias. `completion` describes every command, so it is never
 * built alone.
 */
export function namedCommand(program: Command, registry: readonly CommandSpec[], argv: readonly string[]): CommandSpec | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    // `istio-ts --help analyze` prints the program's help, which lists every command.
    if (a === '--' || a === '--help' || a === '-h') return undefined;
    if (a.startsWith('-')) {
      const takesValue = !a.includes('=') && program.options.some((o) => o.required && (o.long === a || o.short === a));
      if (takesValue) i++;
      continue;
    }
    const spec = registry.find((c) => c.name === a || c.aliases?.includes(a));
    return spec?.name === 'completion' ? undefined : spec;
  }
  return undefined;
}

/**
 * `istio-ts nosuch --help` (or `istio-ts pc nosuch -h`): commander would print the parent's help
 * and exit 0, hiding the typo from scripts. Returns the argv without the help flags when a word
 * names no (sub)command where one is expected, so that parsing reports the unknown command
 * (a usage error, exit 64); otherwise the argv unchanged.
 */
export function unknownCommandWithHelp(program: Command, argv: readonly string[]): readonly string[] {
  const isHelp = (a: string): boolean => a === '--help' || a === '-h';
  if (!argv.some(isHelp)) return argv;
  let cmd = program;
  const takesValue = (flag: string): boolean => {
    for (let c: Command | null = cmd; c; c = c.parent) {
      const o = c.options.find((x) => x.long === flag || x.short === flag);
      if (o) return o.required;
    }
    return false;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (!a.includes('=') && takesValue(a)) i++;
      continue;
    }
    if (cmd.commands.length === 0) break;
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub) {
      cmd = sub;
      continue;
    }
    // `help` is commander's own command; a command with positional arguments takes the word.
    if (a === 'help' || cmd.registeredArguments.length > 0) break;
    return argv.filter((x) => !isHelp(x));
  }
  return argv;
}
