import { Argument, type Command } from 'commander';
import { UsageError } from '../../cli/errors.js';
import type { Bind, CommandModule } from '../../cli/program.js';
import { completionScript, SHELLS, type Shell } from './scripts.js';

export const completionCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('completion')
      .description('Print a shell completion script (bash, zsh, fish, powershell)')
      .addArgument(new Argument('<shell>', `one of: ${SHELLS.join(', ')}`).choices(SHELLS))
      .addHelpText(
        'after',
        `
Examples:
  source <(istio-ts completion bash)
  istio-ts completion zsh > "\${fpath[1]}/_istio-ts"
  istio-ts completion fish > ~/.config/fish/completions/istio-ts.fish
  istio-ts completion powershell | Out-String | Invoke-Expression   # in $PROFILE

Completes commands and their aliases (pc, ps, apply…), subcommands, each command's flags
and the values of flags with fixed choices (-o, --color, --log_level…); file names
after flags that take a file and for commands that take files or pods.`,
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
