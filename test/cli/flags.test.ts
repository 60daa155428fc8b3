import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { flagTable, parseDurationFlag, parseFlagDuration, parseFlags, toOption } from '../../src/cli/flags.js';

/** Parses argv with commander built from `table`, then types the values as every command does. */
function parse<T extends Parameters<typeof parseFlags>[0]>(table: T, argv: string[]) {
  const c = new Command('t').exitOverride();
  for (const [k, f] of Object.entries(table)) c.addOption(toOption(k, f));
  c.parse(argv, { from: 'user' });
  return parseFlags(table, c.opts());
}

const table = flagTable({
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'd', default: '30s', minMs: 1 },
  readinessTimeout: { kind: 'duration', flags: '--readiness-timeout <duration>', description: 'd', default: '300s', minMs: 1000 },
  requestTimeout: { kind: 'duration', flags: '--request-timeout <duration>', description: 'd' },
  short: { kind: 'bool', flags: '--short [bool]', description: 'b' },
  verbose: { kind: 'bool', flags: '--verbose [bool]', description: 'b', default: true },
  dryRun: { kind: 'switch', flags: '--dry-run', description: 's' },
  level: { kind: 'enum', flags: '--level <level>', description: 'e', choices: ['Info', 'Warning', 'Error'], default: 'Info' },
  set: { kind: 'list', flags: '-s, --set <v>', description: 'l' },
  port: { kind: 'port', flags: '--port <port>', description: 'p' },
  concurrency: { kind: 'int', flags: '--concurrency <n>', description: 'i', default: '10' },
  name: { kind: 'string', flags: '--name <name>', description: 's' },
});

describe('flag table', () => {
  it('defaults when no flag is given, typed', () => {
    expect(parse(table, [])).toEqual({ timeout: 30_000, readinessTimeout: 300_000, requestTimeout: undefined, short: undefined, verbose: true, dryRun: false, level: 'Info', set: [], port: undefined, concurrency: 10, name: undefined });
  });

  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1500ms', 1500],
    ['300', 300_000], // bare seconds, as kubectl --request-timeout
    ['2.5', 2500],
    ['1h', 3_600_000],
  ])('one duration rule for every duration flag: %s', (v, ms) => {
    expect(parse(table, ['--timeout', v]).timeout).toBe(ms);
    expect(parse(table, ['--readiness-timeout', v]).readinessTimeout).toBe(ms);
    expect(parse(table, [`--request-timeout=${v}`]).requestTimeout).toBe(ms);
  });

  it('durations: "0" means none where allowed, minimums are enforced, garbage is a usage error naming the flag', () => {
    expect(parse(table, ['--request-timeout', '0']).requestTimeout).toBe(0);
    expect(() => parse(table, ['--timeout', '0'])).toThrow(/--timeout: "0" is not a duration above 0/);
    expect(() => parse(table, ['--readiness-timeout', '500ms'])).toThrow(/--readiness-timeout: "500ms" is not a duration of at least 1s/);
    expect(() => parse(table, ['--timeout', 'soon'])).toThrow(UsageError);
    expect(() => parse(table, ['--timeout', '-1s'])).toThrow(/"-1s" is not a duration/);
    expect(() => parse(table, ['--timeout', '5x'])).toThrow(/"5x"/);
    expect(parseFlagDuration('nope')).toBeUndefined();
    expect(() => parseDurationFlag('--since', '')).toThrow(/--since/);
  });

  it('booleans with a value, as pflag: --short, --short=false, --short true, and a bad value', () => {
    expect(parse(table, ['--short']).short).toBe(true);
    expect(parse(table, ['--short=false']).short).toBe(false);
    expect(parse(table, ['--short', 'true']).short).toBe(true);
    expect(parse(table, ['--short=0']).short).toBe(false);
    expect(parse(table, ['--verbose=false']).verbose).toBe(false);
    expect(() => parse(table, ['--short=maybe'])).toThrow(/--short: expected true or false, got "maybe"/);
  });

  it('enums: one of the choices (commander checks them, as cobra does: exact spelling), else a usage error listing them', () => {
    expect(parse(table, ['--level', 'Warning']).level).toBe('Warning');
    expect(() => parse(table, ['--level', 'loud'])).toThrow(/argument 'loud' is invalid. Allowed choices are Info, Warning, Error/);
    expect(() => parse(table, ['--level', 'warning'])).toThrow(/Allowed choices/);
    expect(toOption('level', table.level).argChoices).toEqual(['Info', 'Warning', 'Error']);
  });

  it('repeatables collect in order; switches; ports; whole numbers', () => {
    expect(parse(table, ['-s', 'a=1', '--set', 'b=2', '--dry-run']).set).toEqual(['a=1', 'b=2']);
    expect(parse(table, ['--dry-run']).dryRun).toBe(true);
    expect(parse(table, ['--port', '8080']).port).toBe(8080);
    expect(parse(table, ['--port', '0']).port).toBeUndefined();
    expect(() => parse(table, ['--port', '70000'])).toThrow(/--port: "70000" is not a port number/);
    expect(parse(table, ['--concurrency', '3']).concurrency).toBe(3);
    expect(() => parse(table, ['--concurrency', '0'])).toThrow(/--concurrency: "0" is not a positive integer/);
    expect(() => parse(table, ['--concurrency', '1.5'])).toThrow(UsageError);
  });

  it('a table key that is not the flag\'s commander name is refused when the program is built', () => {
    expect(() => toOption('timeOut', { kind: 'string', flags: '--timeout <d>', description: '' })).toThrow(/does not match/);
  });
});
