import { CommanderError } from 'commander';
import { buildProgram, unknownCommandWithHelp } from './program.js';
import type { CommandSpec } from './command.js';
import { ExitCode, describeError } from './errors.js';
import { readStdin, readStdinBytes } from '../util/stdin.js';
import { isTerminal, standardOutput } from './stdio.js';
import type { IO } from './io.js';

/**
 * The process boundary: the only try/catch that turns errors into exit codes. `registry` is every
 * command (src/main.ts) or, in a per-command bundle (scripts/build.mjs), the one the argv names.
 */
export async function run(registry: readonly CommandSpec[], argv: readonly string[], io: IO = processIO()): Promise<number> {
  const { program, exitCode } = buildProgram(io, registry, argv);
  try {
    await program.parseAsync([...unknownCommandWithHelp(program, argv)], { from: 'user' });
    return exitCode();
  } catch (e) {
    return errorToExitCode(e, io);
  }
}

export function errorToExitCode(e: unknown, io: IO): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.OK;
    // commander already printed "error: …"; every parse failure is a usage error.
    return ExitCode.Usage;
  }
  // Several independent failures (proxy-stats -l: pods that did not answer): each through the map.
  if (e instanceof AggregateError && e.errors.length > 0) return e.errors.map((x) => errorToExitCode(x, io)).find((c) => c !== ExitCode.OK) ?? ExitCode.Error;
  const d = describeError(e);
  io.stderr.write(`Error: ${d.message}\n`);
  if (d.hint) io.stderr.write(`${d.hint}\n`);
  if (d.kind === 'internal' && io.env.ISTIO_TS_DEBUG) io.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  return d.exitCode;
}

function processIO(): IO {
  return {
    stdout: standardOutput(1, () => process.stdout),
    stderr: standardOutput(2, () => process.stderr),
    readStdin,
    readStdinBytes,
    env: process.env,
    cwd: process.cwd(),
    get isTTY() {
      return isTerminal(1);
    },
    get stdinIsTTY() {
      return isTerminal(0);
    },
    prompt: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
