import { describe, expect, it } from 'vitest';
import { defineCommand, defineGroup } from '../../src/cli/command.js';
import { flagTable } from '../../src/cli/flags.js';
import { buildProgram, namedCommand, unknownCommandWithHelp } from '../../src/cli/program.js';
import { commands } from '../../src/commands/index.js';
import { main } from '../../src/main.js';
import { chooseFormat } from '../../src/output/printers.js';
import { captureIO } from '../helpers/cli.js';

describe('-o: one printer registry', () => {
  it('picks the declared format case-insensitively, the default without -o, and maps every human name to the command\'s', () => {
    expect(chooseFormat(undefined, ['short', 'json', 'yaml'])).toBe('short');
    expect(chooseFormat('', ['short', 'json'], 'json')).toBe('json');
    expect(chooseFormat('JSON', ['short', 'json'])).toBe('json');
    for (const alias of ['table', 'text', 'log', 'short']) expect(chooseFormat(alias, ['short', 'json'])).toBe('short');
    expect(chooseFormat('table', ['log', 'json', 'sarif'])).toBe('log');
    expect(() => chooseFormat('xml', ['table', 'json'])).toThrow(/invalid output format "xml"; one of: table, json/);
    expect(() => chooseFormat('table', ['yaml', 'json'])).toThrow(/invalid output format "table"/);
  });
});

/** A toy command, declared the way every command is. */
interface Toy {
  readonly port?: number;
  readonly wait: number;
  readonly mode: 'fast' | 'slow' | undefined;
  readonly what: string;
  readonly format: 'table' | 'json';
}
const calls: string[] = [];
const toyFlags = flagTable({
  wait: { kind: 'duration', flags: '--wait <duration>', description: 'how long', default: '5s' },
  mode: { kind: 'enum', flags: '--mode <m>', description: 'fast or slow', choices: ['fast', 'slow'] },
});
const toy = defineGroup({
  name: 'toy',
  description: 'a group',
  flags: flagTable({ port: { kind: 'port', flags: '--port <p>', description: 'group flag', default: '15000' } }),
  subcommands: [
    defineCommand({
      name: 'run',
      aliases: ['r'],
      description: 'runs',
      args: [{ name: '[what]', description: 'what to run' }],
      flags: toyFlags,
      formats: ['table', 'json'],
      load: async () => ({
        validate: ({ flags, args, format }): Toy => {
          calls.push('validate');
          if (args[0] === 'bad') throw new Error('unreachable: validate refuses "bad" before run');
          return { ...flags, what: args[0] ?? 'all', format };
        },
        run: async (_ctx, o: Toy): Promise<Toy> => (calls.push('run'), o),
        printers: { table: (r) => `ran ${r.what} wait=${r.wait} mode=${r.mode ?? '-'}\n`, json: (r) => `${JSON.stringify(r)}\n` },
        exitCode: (r) => (r.what === 'fail' ? 3 : 0),
      }),
    }),
  ],
});

async function run(argv: string[]) {
  const { io, out, err } = captureIO();
  const { program, exitCode } = buildProgram(io, [toy]);
  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = exitCode();
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? -1;
  }
  return { code, out: out(), err: err() };
}

describe('a declared command end to end: flags → validate → run → printer → exit code', () => {
  it('typed flags (group flags included), alias, positional, human printer, exit code from the result', async () => {
    calls.length = 0;
    const r = await run(['toy', 'r', 'fail', '--wait', '90', '--mode', 'slow']);
    expect(r).toMatchObject({ code: 3, out: 'ran fail wait=90000 mode=slow\n' });
    expect(calls).toEqual(['validate', 'run']);
    const j = await run(['-o', 'json', 'toy', 'run', '--port', '8080']);
    expect(JSON.parse(j.out)).toEqual({ port: 8080, wait: 5000, what: 'all', format: 'json' });
    expect(j.code).toBe(0);
  });

  it('a bad flag value or -o is a usage error before the implementation loads', async () => {
    calls.length = 0;
    const { io, out } = captureIO();
    const { program } = buildProgram(io, [toy]);
    await expect(program.parseAsync(['toy', 'run', '--wait', 'later'], { from: 'user' })).rejects.toThrow(/--wait: "later" is not a duration/);
    await expect(program.parseAsync(['-o', 'xml', 'toy', 'run'], { from: 'user' })).rejects.toThrow(/invalid output format "xml"/);
    expect(calls).toEqual([]);
    expect(out()).toBe('');
  });

  it('the real program: a usage error from a declared command exits 64 through main', async () => {
    expect(await main(['precheck', '-o', 'yaml'], captureIO().io)).toBe(64);
  });
});

describe('only the command the argv names is built', () => {
  const capture = async (argv: string[], narrow: boolean) => {
    const { io, out, err } = captureIO();
    const { program } = buildProgram(io, commands, narrow ? argv : undefined);
    let thrown = '';
    try {
      await program.parseAsync([...unknownCommandWithHelp(program, argv)], { from: 'user' });
    } catch (e) {
      thrown = (e as { code?: string }).code ?? String(e);
    }
    return { out: out(), err: err(), thrown, commands: program.commands.map((c) => c.name()) };
  };

  it('names the command after the program\'s own options and their values; help, completion and unknown words get every command', () => {
    const probe = buildProgram(captureIO().io, []).program;
    const named = (argv: string[]) => namedCommand(probe, commands, argv)?.name;
    expect(named(['analyze', '-A'])).toBe('analyze');
    expect(named(['-n', 'analyze', 'version'])).toBe('version'); // "analyze" is -n's value
    expect(named(['--context=x', '-o', 'json', 'ps'])).toBe('proxy-status');
    expect(named(['--color', 'never', 'apply', '-y'])).toBe('install');
    expect(named(['--help', 'analyze'])).toBeUndefined();
    expect(named(['-h'])).toBeUndefined();
    expect(named(['completion', 'bash'])).toBeUndefined();
    expect(named(['help', 'analyze'])).toBeUndefined();
    expect(named(['nosuch'])).toBeUndefined();
    expect(named(['--', 'analyze'])).toBeUndefined();
  });

  it('help, errors and usage are the same as with all sixteen built', async () => {
    for (const argv of [['analyze', '--help'], ['pc', 'cluster', '--help'], ['-n', 'x', 'pc', 'nosuch', '-h'], ['tag', 'nosuch'], ['analyze', '--nosuch'], ['version', '-o', 'xml'], ['manifest', '--help'], ['--help', 'analyze']]) {
      const all = await capture(argv, false);
      const one = await capture(argv, true);
      expect({ ...one, commands: undefined }, argv.join(' ')).toEqual({ ...all, commands: undefined });
    }
    expect((await capture(['analyze', '--help'], true)).commands).toEqual(['analyze']);
    expect((await capture(['--help'], true)).commands).toHaveLength(commands.length);
  });
});
