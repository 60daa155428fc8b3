import { describe, expect, it } from 'vitest';
import { ExitCode, UsageError, UserError, describeError, exitCodeOf } from '../../src/cli/errors.js';
import { KubeError } from '../../src/kube/types.js';
import { KindError, withContext } from '../../src/util/errors.js';
import { runCli } from '../helpers/cli.js';

describe('the error map (describeError)', () => {
  it.each([
    ['usage', 64],
    ['noinput', 66],
    ['data', 65],
    ['forbidden', 1],
    ['unauthorized', 1],
    ['notfound', 1],
    ['timeout', 1],
    ['unreachable', 1],
    ['failed', 1],
    ['internal', 1],
  ] as const)('kind %s → exit %i, message and hint kept', (kind, code) => {
    const d = describeError(new KindError(`it broke (${kind})`, kind, 'do this'));
    expect(d).toEqual({ kind, message: `it broke (${kind})`, exitCode: code, hint: 'do this' });
    expect(exitCodeOf(kind)).toBe(code);
  });

  it('API server statuses keep their own kinds: 401 unauthorized, 403 forbidden, 404 not found', () => {
    expect(describeError(new KubeError('x', 401)).kind).toBe('unauthorized');
    expect(describeError(new KubeError('x', 403)).kind).toBe('forbidden');
    expect(describeError(new KubeError('x', 404)).kind).toBe('notfound');
  });

  it('context wraps keep the kind; unknown throws are internal; UserError keeps its exit code', () => {
    expect(describeError(withContext(new KubeError('denied', 403), 'list pods'))).toMatchObject({ kind: 'forbidden', message: 'list pods: denied', exitCode: 1 });
    expect(describeError(new TypeError('x is undefined'))).toMatchObject({ kind: 'internal', exitCode: 1 });
    expect(describeError('a string')).toMatchObject({ kind: 'internal', message: 'a string' });
    expect(describeError(new UsageError('bad flag'))).toMatchObject({ kind: 'usage', exitCode: ExitCode.Usage });
    expect(describeError(new UserError('no file', ExitCode.NoInput))).toMatchObject({ kind: 'noinput', exitCode: 66 });
  });

  it('main prints "Error: message" and the hint, never a stack trace, with the mapped code', async () => {
    const r = await runCli(['uninstall']);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('Error: say what to remove: -r <revision> (-r default for the unnamed one) or --purge\n');
    const bad = await runCli(['precheck', '--set', 'novalue']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/^Error: .*novalue.*\nExample: --set/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
