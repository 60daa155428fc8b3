import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';
import { SHELLS } from './shells.js';

export const completionFlags = flagTable({});
export type CompletionFlags = FlagValues<typeof completionFlags>;

export const completionCommand = defineCommand({
  name: 'completion',
  description: 'Print a shell completion script (bash, zsh, fish, powershell)',
  args: [{ name: '<shell>', description: `one of: ${SHELLS.join(', ')}`, choices: SHELLS }],
  flags: completionFlags,
  formats: ['text'],
  help: `
Examples:
  source <(istio-ts completion bash)
  istio-ts completion zsh > "\${fpath[1]}/_istio-ts"
  istio-ts completion fish > ~/.config/fish/completions/istio-ts.fish
  istio-ts completion powershell | Out-String | Invoke-Expression   # in $PROFILE

Completes commands and their aliases (pc, ps, apply…), subcommands, each command's flags
and the values of flags with fixed choices (-o, --color, --log_level…); file names
after flags that take a file and for commands that take files or pods.`,
  load: async () => (await import('./action.js')).implementation,
});
