import type { Command, Option } from 'commander';

import { SHELLS, type Shell } from './shells.js';

export { SHELLS, type Shell };

/** A flag: its spellings and what follows it (nothing, any word — a file —, or one of some choices). */
interface Flag {
  names: string[];
  value: 'none' | 'any' | readonly string[];
}

/** One (sub)command with its canonical path ("proxy-config cluster"), aliases, flags and children. */
interface Node {
  key: string;
  name: string;
  aliases: string[];
  flags: Flag[];
  /** Takes positional words (files, pods): complete file names too. */
  args: boolean;
  /** The first positional argument's choices (completion <shell>). */
  choices: readonly string[];
  subs: Node[];
}

function flag(o: Option): Flag {
  const names = [o.long, o.short].filter((f): f is string => Boolean(f));
  // An optional value (`--short [bool]`) is written `--short=false`; the next word is not taken.
  const value = o.argChoices?.length ? o.argChoices : o.required ? 'any' : 'none';
  return { names, value };
}

/** The program's own key: bash associative arrays take no empty key. */
const ROOT = '@';

function node(cmd: Command, parentKey: string | null): Node {
  const key = parentKey === null ? ROOT : parentKey === ROOT ? cmd.name() : `${parentKey} ${cmd.name()}`;
  const flags = cmd.options.filter((o) => !o.hidden).map(flag);
  flags.push({ names: ['--help', '-h'], value: 'none' });
  return {
    key,
    name: cmd.name(),
    aliases: cmd.aliases(),
    flags,
    args: cmd.registeredArguments.length > 0 && !cmd.registeredArguments[0]!.argChoices,
    choices: cmd.registeredArguments[0]?.argChoices ?? [],
    subs: cmd.commands.map((c) => node(c, key)),
  };
}

function walk(n: Node, f: (n: Node) => void): void {
  f(n);
  for (const s of n.subs) walk(s, f);
}

/** Words offered after a command: its subcommands (and their aliases), then its flags. */
function words(n: Node): string[] {
  return [...n.subs.flatMap((s) => [s.name, ...s.aliases]), ...n.choices, ...n.flags.flatMap((f) => f.names)];
}

/** The completion data every script carries, from the commander tree so it never drifts from the flags. */
interface Tables {
  /** "parentKey|word" → child key, for names and aliases. */
  sub: [string, string][];
  /** key → words offered there (global flags are added by the script). */
  words: [string, string][];
  /** "key|flag" → "" (any word: files) or the choices; key "*" for the global flags. */
  values: [string, string][];
  /** keys whose command takes positional arguments. */
  args: string[];
  /** The program's own flags, offered under every command. */
  globalFlags: string;
}

function tables(program: Command): Tables {
  const root = node(program, null);
  const t: Tables = { sub: [], words: [], values: [], args: [], globalFlags: root.flags.filter((f) => f.names[0] !== '--help').flatMap((f) => f.names).join(' ') };
  walk(root, (n) => {
    for (const s of n.subs) for (const w of [s.name, ...s.aliases]) t.sub.push([`${n.key}|${w}`, s.key]);
    t.words.push([n.key, words(n).join(' ')]);
    for (const f of n.flags) {
      if (f.value === 'none') continue;
      for (const name of f.names) t.values.push([`${n === root ? '*' : n.key}|${name}`, f.value === 'any' ? '' : f.value.join(' ')]);
    }
    if (n.args) t.args.push(n.key);
  });
  return t;
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(t: Tables): string {
  const assoc = (name: string, rows: [string, string][]): string => `declare -gA ${name}=(\n${rows.map(([k, v]) => `  [${sq(k)}]=${sq(v)}`).join('\n')}\n)`;
  return `# bash completion for istio-ts (generated from its command tree: istio-ts completion bash)
${assoc('_istio_ts_sub', t.sub)}
${assoc('_istio_ts_words', t.words)}
${assoc('_istio_ts_values', t.values)}
declare -gA _istio_ts_args=(${t.args.map((k) => ` [${sq(k)}]=1`).join('')} )
_istio_ts() {
  local cur prev key w i n flag vals pre
  cur="\${COMP_WORDS[COMP_CWORD]}"
  key=@
  n=$((COMP_CWORD))
  # Follow the (sub)commands typed so far; skip flags and the values they take.
  for ((i = 1; i < n; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      --*=*|=) ;;
      -*)
        if [[ -n "\${_istio_ts_values["$key|$w"]+x}" || -n "\${_istio_ts_values["*|$w"]+x}" ]]; then
          ((i++))
          [[ "\${COMP_WORDS[i]}" == "=" ]] && ((i++))
        fi ;;
      *) [[ -n "\${_istio_ts_sub["$key|$w"]+x}" ]] && key="\${_istio_ts_sub["$key|$w"]}" ;;
    esac
  done
  # A flag's value: after "--flag ", "--flag=" (bash splits at "=") or "--flag=par".
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  flag=""
  pre=""
  if [[ "$cur" == --*=* ]]; then flag="\${cur%%=*}"; pre="$flag="; cur="\${cur#*=}"
  elif [[ "$cur" == "=" ]]; then flag="$prev"; cur=""
  elif [[ "$prev" == "=" ]]; then flag="\${COMP_WORDS[COMP_CWORD-2]}"
  elif [[ "$prev" == -* ]]; then flag="$prev"
  fi
  if [[ -n "$flag" ]]; then
    if [[ -n "\${_istio_ts_values["$key|$flag"]+x}" ]]; then vals="\${_istio_ts_values["$key|$flag"]}"
    elif [[ -n "\${_istio_ts_values["*|$flag"]+x}" ]]; then vals="\${_istio_ts_values["*|$flag"]}"
    else flag=""
    fi
    if [[ -n "$flag" ]]; then
      if [[ -n "$vals" ]]; then COMPREPLY=($(compgen -P "$pre" -W "$vals" -- "$cur")); else COMPREPLY=($(compgen -P "$pre" -f -- "$cur")); fi
      return 0
    fi
  fi
  w="\${_istio_ts_words["$key"]}"
  [[ "$key" == @ ]] || w="$w $_istio_ts_global_flags"
  if [[ "$cur" != -* && -n "\${_istio_ts_args["$key"]+x}" ]]; then
    COMPREPLY=($(compgen -W "$w" -- "$cur") $(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$w" -- "$cur"))
  fi
  return 0
}
_istio_ts_global_flags=${sq(t.globalFlags)}
complete -F _istio_ts istio-ts
`;
}

function fish(program: Command): string {
  const root = node(program, null);
  const lines = ['# fish completion for istio-ts (generated from its command tree: istio-ts completion fish)', 'complete -c istio-ts -f'];
  const flagLine = (cond: string, f: Flag): string => {
    const parts = ['complete -c istio-ts'];
    if (cond) parts.push(`-n ${sq(cond)}`);
    for (const n of f.names) parts.push(n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`);
    if (Array.isArray(f.value)) parts.push(`-x -a ${sq(f.value.join(' '))}`);
    else if (f.value === 'any') parts.push('-r -F');
    return parts.join(' ');
  };
  const rec = (n: Node, chain: Node[]): void => {
    // Inside n: every ancestor (by any of its names) has been seen.
    const cond = chain.map((c) => `__fish_seen_subcommand_from ${[c.name, ...c.aliases].join(' ')}`).join('; and ');
    const noChild = n.subs.length ? `not __fish_seen_subcommand_from ${n.subs.flatMap((s) => [s.name, ...s.aliases]).join(' ')}` : '';
    const here = [chain.length ? cond : '__fish_use_subcommand', noChild].filter(Boolean).join('; and ');
    for (const s of n.subs) {
      lines.push(`complete -c istio-ts -n ${sq(chain.length ? here : '__fish_use_subcommand')} -a ${s.name}`);
      for (const a of s.aliases) lines.push(`complete -c istio-ts -n ${sq(chain.length ? here : '__fish_use_subcommand')} -a ${a}`);
    }
    if (n !== root) for (const f of n.flags) if (f.names[0] !== '--help') lines.push(flagLine(cond, f));
    if (n !== root && n.args && n.subs.length === 0) lines.push(`complete -c istio-ts -n ${sq(cond)} -F`);
    for (const s of n.subs) rec(s, [...chain, s]);
  };
  rec(root, []);
  for (const f of root.flags) lines.push(flagLine('', f));
  return `${lines.join('\n')}\n`;
}

function powershell(t: Tables): string {
  const ps = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const hash = (rows: [string, string][]): string => `@{\n${rows.map(([k, v]) => `    ${ps(k)} = ${ps(v)}`).join('\n')}\n  }`;
  return `# PowerShell completion for istio-ts (generated from its command tree)
# Add to your profile:  istio-ts completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName 'istio-ts' -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $sub = ${hash(t.sub)}
  $words = ${hash(t.words)}
  $values = ${hash(t.values)}
  $takesArgs = @(${t.args.map(ps).join(', ')})
  # The words before the one being completed (the command name itself left out).
  $typed = @($commandAst.CommandElements | Select-Object -Skip 1 | Where-Object { $_.Extent.EndOffset -lt $cursorPosition -or ($_.Extent.EndOffset -eq $cursorPosition -and $wordToComplete -eq '') } | ForEach-Object { $_.Extent.Text })
  if ($wordToComplete -ne '' -and $typed.Count -gt 0 -and $typed[-1] -eq $wordToComplete) { $typed = @($typed | Select-Object -SkipLast 1) }
  $key = '@'
  for ($i = 0; $i -lt $typed.Count; $i++) {
    $w = $typed[$i]
    if ($w -like '-*=*') { continue }
    if ($w -like '-*') {
      if ($values.ContainsKey("$key|$w") -or $values.ContainsKey("*|$w")) { $i++ }
      continue
    }
    if ($sub.ContainsKey("$key|$w")) { $key = $sub["$key|$w"] }
  }
  $candidates = @()
  $prefix = ''
  $flag = $null
  $current = $wordToComplete
  if ($current -like '-*=*') {
    $flag = $current.Substring(0, $current.IndexOf('='))
    $prefix = $flag + '='
    $current = $current.Substring($current.IndexOf('=') + 1)
  } elseif ($typed.Count -gt 0 -and $typed[-1] -like '-*' -and $typed[-1] -notlike '*=*') {
    $flag = $typed[-1]
  }
  if ($flag) {
    $v = $null
    if ($values.ContainsKey("$key|$flag")) { $v = $values["$key|$flag"] } elseif ($values.ContainsKey("*|$flag")) { $v = $values["*|$flag"] }
    if ($null -ne $v) {
      if ($v -eq '') { return }  # a file name: let PowerShell complete paths
      $candidates = $v -split ' ' | ForEach-Object { $prefix + $_ }
      $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
      return
    }
  }
  $list = @($words[$key] -split ' ')
  if ($key -ne '@') { $list += @($words['@'] -split ' ' | Where-Object { $_ -like '-*' }) }
  $list | Where-Object { $_ -ne '' -and $_ -like "$wordToComplete*" } | Sort-Object -Unique | ForEach-Object {
    $type = if ($_ -like '-*') { 'ParameterName' } else { 'Command' }
    [System.Management.Automation.CompletionResult]::new($_, $_, $type, $_)
  }
}
`;
}

/** Static completion scripts generated from the commander tree, so they never drift from the flags. */
export function completionScript(shell: Shell, program: Command): string {
  if (shell === 'fish') return fish(program);
  const t = tables(program);
  if (shell === 'powershell') return powershell(t);
  const b = bash(t);
  if (shell === 'bash') return b;
  // zsh runs the bash function through bashcompinit; `declare -g` keeps the tables global when
  // the file is autoloaded from $fpath.
  return `#compdef istio-ts\nautoload -U +X bashcompinit && bashcompinit\n${b}`;
}
