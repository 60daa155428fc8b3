import { run } from './cli/run.js';
import { commands } from './commands/index.js';
import type { IO } from './cli/io.js';

export { errorToExitCode } from './cli/run.js';

/** istio-ts with every command (src/commands/index.ts). */
export function main(argv: string[], io?: IO): Promise<number> {
  return run(commands, argv, io);
}
