import type { Command } from 'commander';
import type { Implementation } from '../../cli/command.js';
import { UsageError } from '../../cli/errors.js';
import type { CompletionFlags } from './index.js';
import { completionScript } from './scripts.js';
import { SHELLS, type Shell } from './shells.js';

export const implementation: Implementation<CompletionFlags, 'text', { shell: Shell; program: Command }, string> = {
  validate: ({ args, program }) => {
    const shell = args[0] as Shell;
    if (!SHELLS.includes(shell)) throw new UsageError(`unsupported shell "${shell}"; one of: ${SHELLS.join(', ')}`);
    if (!program) throw new Error('completion needs the program it completes');
    return { shell, program };
  },
  run: async (_ctx, o) => completionScript(o.shell, o.program),
  printers: { text: (script) => script },
  exitCode: () => 0,
};
