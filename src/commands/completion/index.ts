import type { Command } from 'commander';
import { UsageError } from '../../cli/errors.js';
import type { Bind, CommandModule } from '../../cli/program.js';
import { completionScript, SHELLS, type Shell } from './scripts.js';

export const completionCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('completion')
      .description('Print a shell completion script (bash, zsh, fish)')
      .argument('<shell>', `one of: ${SHELLS.join(', ')}`)
      .addHelpText(
        'after',
        `
Examples:
  source <(istio-ts completion bash)
  istio-ts completion zsh > "\${fpath[1]}/_istio-ts"
  istio-ts completion fish > ~/.config/fish/completions/istio-ts.fish`,
      )
      .action(
        bind(async (ctx, cmd) => {
          const shell = cmd.args[0] as Shell;
          if (!SHELLS.includes(shell)) throw new UsageError(`unsupported shell "${shell}"; one of: ${SHELLS.join(', ')}`);
          ctx.out(completionScript(shell, program));
          return 0;
        }),
      );
  },
};
