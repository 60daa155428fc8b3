import type { Command } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Tree {
  name: string;
  flags: string[];
  subs: Tree[];
}

function tree(cmd: Command): Tree {
  const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
  return { name: cmd.name(), flags, subs: cmd.commands.map(tree) };
}

/** Static completion scripts generated from the commander tree, so they never drift from the flags. */
export function completionScript(shell: Shell, program: Command): string {
  const t = tree(program);
  const global = [...t.flags, '--help'];
  if (shell === 'fish') {
    const lines = ['# fish completion for istio-ts', 'complete -c istio-ts -f'];
    for (const s of t.subs) {
      lines.push(`complete -c istio-ts -n '__fish_use_subcommand' -a ${s.name}`);
      for (const sub of s.subs) lines.push(`complete -c istio-ts -n '__fish_seen_subcommand_from ${s.name}' -a ${sub.name}`);
      for (const f of s.flags.filter((f) => f.startsWith('--'))) {
        lines.push(`complete -c istio-ts -n '__fish_seen_subcommand_from ${s.name}' -l ${f.slice(2)}`);
      }
    }
    for (const f of global.filter((f) => f.startsWith('--'))) lines.push(`complete -c istio-ts -l ${f.slice(2)}`);
    return `${lines.join('\n')}\n`;
  }
  const cases = t.subs
    .map((s) => {
      const words = [...s.subs.map((x) => x.name), ...s.flags, ...global].join(' ');
      return `    ${s.name}) opts="${words}" ;;`;
    })
    .join('\n');
  const bash = `# bash completion for istio-ts
_istio_ts() {
  local cur cmd opts i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$cmd" in
${cases}
    *) opts="${[...t.subs.map((s) => s.name), ...global].join(' ')}" ;;
  esac
  if [[ "$cur" == -* || -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$opts" -- "$cur") $(compgen -f -- "$cur"))
  fi
}
complete -F _istio_ts istio-ts
`;
  if (shell === 'bash') return bash;
  return `#compdef istio-ts\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
}
