import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-capture-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'taken'), 'x');

// Every one of these is refused before any cluster call (the kubeconfig does not exist).
describe('istio-ts capture: usage errors before the cluster', () => {
  it.each([
    { args: ['capture', 'a.shop', 'cart.shop:8080'], err: /required option '-d, --dir <dir>' not specified/ },
    { args: ['capture', 'a.shop', 'cart.shop:99999', '-d', path.join(dir, 'new')], err: /TO: port 99999 is out of range/ },
    { args: ['capture', 'a.shop', 'cart.shop', '-d', path.join(dir, 'new'), '--tail', '0'], err: /--tail: "0" is not a positive integer/ },
    { args: ['capture', 'a.shop', 'cart.shop', '-d', path.join(dir, 'new'), '--timeout', 'later'], err: /--timeout: "later" is not a duration/ },
    { args: ['capture', 'a.shop', 'cart.shop', '-d', dir], err: /exists and is not empty/ },
    { args: ['capture', 'a.shop', 'cart.shop', '-d', path.join(dir, 'new'), '-o', 'json'], err: /invalid output format "json"; one of: text/ },
  ])('$args.4 $args.5 $args.6 → 64', async ({ args, err }) => {
    const r = await runCli(['--kubeconfig', path.join(dir, 'no-kubeconfig'), ...args]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(err);
    expect(r.stdout).toBe('');
  });

  it('a valid command line reaches the cluster step: the missing kubeconfig is the error (66), nothing written', async () => {
    const r = await runCli(['--kubeconfig', path.join(dir, 'no-kubeconfig'), 'capture', 'a.shop', 'cart.shop:8080', '-d', path.join(dir, 'out')]);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/kubeconfig/i);
  });
});
