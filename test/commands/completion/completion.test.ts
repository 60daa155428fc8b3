import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { skipWhenMissing } from '../../helpers/requires.js';

const hasBash = spawnSync('bash', ['-c', 'exit 0']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'istio-ts-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the generated bash function as bash would on <TAB>: COMP_WORDS holds the words typed so
 * far (the last one being completed); returns COMPREPLY. The words are passed as arguments, never
 * spliced into the script.
 */
async function complete(shell: 'bash' | 'zsh', words: string[]): Promise<string[]> {
  const script = join(dir, `istio-ts.${shell}`);
  writeFileSync(script, (await runCli(['completion', 'bash'])).stdout);
  const driver = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _istio_ts; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', driver, 'driver', script, ...words], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe.skipIf(skipWhenMissing(!hasBash))('bash completion (runs the generated script in bash)', () => {
  const cases: { name: string; words: string[]; has: string[]; not?: string[] }[] = [
    { name: 'commands and their aliases', words: ['istio-ts', 'p'], has: ['proxy-config', 'pc', 'proxy-status', 'ps', 'precheck'], not: ['analyze'] },
    { name: 'install alias apply', words: ['istio-ts', 'ap'], has: ['apply'] },
    { name: 'subcommands under an alias', words: ['istio-ts', 'pc', 'cl'], has: ['cluster', 'clusters'], not: ['listener'] },
    { name: "a subcommand's own flags and the global ones", words: ['istio-ts', 'pc', 'cluster', '--'], has: ['--fqdn', '--port', '--direction', '--namespace', '--context'] },
    { name: "ps (alias) flags", words: ['istio-ts', 'ps', '--'], has: ['--revision'], not: ['--fqdn'] },
    { name: 'flags of install under its alias', words: ['istio-ts', 'apply', '--se'], has: ['--set'] },
    { name: 'values of a flag with choices', words: ['istio-ts', '--color', ''], has: ['auto', 'always', 'never'] },
    { name: 'values after global flags and their values', words: ['istio-ts', '-n', 'shop', 'kube-inject', '--native-sidecars', ''], has: ['auto', 'true', 'false'] },
    { name: 'values after --flag= (bash splits at "=")', words: ['istio-ts', 'analyze', '--color', '=', 'al'], has: ['always'], not: ['never'] },
    { name: 'values in one --flag=word', words: ['istio-ts', 'kube-inject', '--native-sidecars=t'], has: ['--native-sidecars=true'] },
    { name: 'argument choices', words: ['istio-ts', 'completion', ''], has: ['bash', 'zsh', 'fish', 'powershell'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const got = await complete('bash', c.words);
      for (const w of c.has) expect(got).toContain(w);
      for (const w of c.not ?? []) expect(got).not.toContain(w);
    });
  }

  it('file names after a flag that takes a file', async () => {
    writeFileSync(join(dir, 'mesh-config.yaml'), '{}\n');
    expect(await complete('bash', ['istio-ts', 'kube-inject', '--meshConfigFile', 'mesh-'])).toEqual(['mesh-config.yaml']);
  });
});

describe('completion scripts', () => {
  it('zsh wraps the bash function with bashcompinit and keeps the tables global', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#compdef istio-ts\nautoload -U +X bashcompinit && bashcompinit\n')).toBe(true);
    expect(r.stdout).toContain('declare -gA _istio_ts_sub=(');
  });

  it('powershell registers a native argument completer with the same tables', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Register-ArgumentCompleter -Native -CommandName 'istio-ts'");
    expect(r.stdout).toContain("'@|pc' = 'proxy-config'");
    expect(r.stdout).toContain("'proxy-config|cluster' = 'proxy-config cluster'");
    expect(r.stdout).toContain("'*|--color' = 'auto always never'");
  });

  it('fish completes aliases, subcommands under them and flag values', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("complete -c istio-ts -n '__fish_use_subcommand' -a pc");
    expect(r.stdout).toMatch(/-n '__fish_seen_subcommand_from proxy-config pc; and not __fish_seen_subcommand_from [^']*' -a cluster/);
    expect(r.stdout).toContain("complete -c istio-ts -l color -x -a 'auto always never'");
  });

  it('rejects an unknown shell as a usage error', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/Allowed choices are bash, zsh, fish, powershell/);
  });
});

describe('unknown command with --help', () => {
  it.each([
    [['nosuch', '--help']],
    [['-n', 'shop', 'nosuch', '-h']],
    [['proxy-config', 'nosuch', '--help']],
    [['pc', 'nosuch', '-h']],
  ])('%j is a usage error (64), not the parent help', async (args) => {
    const r = await runCli(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/unknown command 'nosuch'/);
    expect(r.stdout).toBe('');
  });

  it.each([[['--help']], [['pc', 'cluster', '--help']], [['ps', '-h']], [['help']]])('%j still prints help (0)', async (args) => {
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: istio-ts/);
  });
});
