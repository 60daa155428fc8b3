import { describe, expect, it } from 'vitest';
import { decideColor, type ColorMode } from '../../src/output/color.js';
import { runCli } from '../helpers/cli.js';

describe('color decided once (--color, NO_COLOR, FORCE_COLOR, TTY)', () => {
  it.each<[ColorMode, Record<string, string>, boolean, boolean]>([
    ['auto', {}, true, true],
    ['auto', {}, false, false],
    ['auto', { NO_COLOR: '1' }, true, false],
    ['auto', { NO_COLOR: '' }, true, true], // empty NO_COLOR does not count (no-color.org)
    ['auto', { FORCE_COLOR: '1' }, false, true],
    ['auto', { FORCE_COLOR: '0' }, true, false],
    ['auto', { TERM: 'dumb' }, true, false],
    ['auto', { NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    ['always', { NO_COLOR: '1' }, false, true],
    ['never', { FORCE_COLOR: '1' }, true, false],
  ])('--color %s with %j, tty %s → %s', (mode, env, isTTY, want) => {
    expect(decideColor(mode, { env, isTTY })).toBe(want);
  });

  it('reaches the printers: --color always paints the glyphs, the default (not a TTY, NO_COLOR) does not', async () => {
    const args = ['check-inject', '-f', 'fixtures/inject/check-inject/webhooks.yaml', '-f', 'fixtures/inject/check-inject/shop.yaml', 'deploy/checkout.shop'];
    const plain = await runCli(args);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    const painted = await runCli(['--color', 'always', ...args]);
    expect(painted.stdout).toMatch(/\x1b\[32m✔\x1b\[39m/);
    // JSON is never painted.
    const json = await runCli(['--color', 'always', '-o', 'json', ...args]);
    expect(json.stdout).not.toMatch(/\x1b\[/);
  });
});
