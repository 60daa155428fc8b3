import { main } from '../../src/main.js';
import type { IO } from '../../src/cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** An IO that captures what a command writes (no color, fixed env), for in-process runs. */
export function captureIO(opts: { stdin?: string; stdinBytes?: Buffer; env?: Record<string, string> } = {}): { io: IO; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  const io: IO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readStdin: async () => opts.stdin ?? opts.stdinBytes?.toString('utf8') ?? '',
    readStdinBytes: async () => opts.stdinBytes ?? Buffer.from(opts.stdin ?? '', 'utf8'),
    env: { NO_COLOR: '1', ...opts.env },
    cwd: process.cwd(),
    isTTY: false,
    stdinIsTTY: false,
  };
  return { io, out: () => stdout, err: () => stderr };
}

/** Runs the CLI in-process with captured streams (no color, fixed env). */
export async function runCli(args: string[], opts: { stdin?: string; stdinBytes?: Buffer; env?: Record<string, string> } = {}): Promise<CliRun> {
  const { io, out, err } = captureIO(opts);
  const code = await main(args, io);
  return { code, stdout: out(), stderr: err() };
}
