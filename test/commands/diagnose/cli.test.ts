import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IO } from '../../../src/cli/io.js';
import { main } from '../../../src/main.js';
import { runCli } from '../../helpers/cli.js';

const fx = (s: string) => path.resolve('fixtures/diagnose', s, 'capture');

describe('istio-ts diagnose --capture', () => {
  it.each([
    { scenario: 'healthy', code: 0, verdict: 'none' },
    { scenario: 'app-5xx', code: 80, verdict: 'app' },
    { scenario: 'nacked-config', code: 80, verdict: 'control-plane' },
    { scenario: 'gateway-host-mismatch', code: 80, verdict: 'gateway' },
  ])('$scenario: exit $code, verdict $verdict in -o json', async ({ scenario, code, verdict }) => {
    const r = await runCli(['diagnose', '--capture', fx(scenario), '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(code);
    const out = JSON.parse(r.stdout) as { verdict: { segment: string }; segments: { name: string; status: string; evidence: { id: string; summary: string; source: string }[] }[]; nextSteps: string[] };
    expect(out.verdict.segment).toBe(verdict);
    expect(Object.keys(out).sort()).toEqual(['from', 'nextSteps', 'segments', 'to', 'verdict', ...(scenario.startsWith('gateway') ? ['via'] : [])].sort());
  });

  it('the table says which segments are ok and on what evidence', async () => {
    const r = await runCli(['diagnose', '--capture', fx('healthy')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ {2}server-app {6}server sidecar cart-v1-7d8f9c6b5-4hx2m\.shop: 6 of 6 requests answered 200/m);
    expect(r.stdout).toContain('from proxies/shop/cart-v1-7d8f9c6b5-4hx2m/istio-proxy.log: lines 6, 7, 8, 9 and 2 more');
    expect(r.stdout).toContain('Verdict: no fault found (high confidence)');
  });

  it('-v lists every evidence line with its source', async () => {
    const r = await runCli(['diagnose', '--capture', fx('app-not-listening'), '-v']);
    expect(r.code).toBe(80);
    expect(r.stdout).toContain('✘ cart-v1-7d8f9c6b5-4hx2m.shop: nothing listens on port 8080 in the pod');
    expect(r.stdout).toContain('from proxies/shop/cart-v1-7d8f9c6b5-4hx2m/sockets.txt: TCP LISTEN sockets on port 8080');
  });

  it('--since leaves out older access-log lines: no request seen, so "no fault" is only medium', async () => {
    const r = await runCli(['diagnose', '--capture', fx('app-5xx'), '--since', '30s', '-o', 'json']);
    const out = JSON.parse(r.stdout) as { verdict: { segment: string; confidence: string; summary: string } };
    expect(out.verdict).toMatchObject({ segment: 'none', confidence: 'medium' });
    expect(out.verdict.summary).toContain('no request to the target in the access logs');
  });

  it.each([
    { args: ['diagnose'], code: 64, err: 'diagnose needs FROM and TO' },
    { args: ['diagnose', '--capture', fx('healthy'), '--since', 'soon'], code: 64, err: '--since: "soon" is not a duration' },
    { args: ['diagnose', '--capture', fx('healthy'), '--path', 'api'], code: 64, err: 'must start with "/"' },
    { args: ['diagnose', '--capture', fx('healthy'), '-o', 'yaml'], code: 64, err: 'invalid output format "yaml"' },
    { args: ['diagnose', '--capture', fx('healthy'), 'only-from'], code: 64, err: 'give both FROM and TO' },
    { args: ['diagnose', '--capture', '/nonexistent/capture'], code: 66, err: 'does not exist' },
    { args: ['diagnose', '--capture', fx('healthy'), 'deploy/frontend.shop', 'cart.shop'], code: 64, err: 'with --capture, FROM must be a pod (name.namespace) or "ingress", not "deploy/frontend.shop"' },
    { args: ['diagnose', 'Bad_Pod', 'cart.shop:8080'], code: 64, err: 'FROM:' },
    { args: ['diagnose', 'frontend.shop', 'cart.shop:99999'], code: 64, err: 'TO: port 99999 is out of range' },
    { args: ['capture', 'frontend.shop', 'cart.shop:8080'], code: 64, err: "required option '-d, --dir <dir>'" },
    { args: ['capture', 'Bad_Pod', 'cart.shop:8080', '-d', '/tmp/x'], code: 64, err: 'FROM:' },
  ])('usage: $args.0 $args.1 → $code', async ({ args, code, err }) => {
    const r = await runCli(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(err);
    expect(r.stdout).toBe('');
  });

  it('with --capture, FROM may name the pod as pod/NAME.NS', async () => {
    const r = await runCli(['diagnose', '--capture', fx('app-5xx'), 'pod/frontend-6c9f7b5d4-x2kqp.shop', 'cart.shop:8080', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).verdict.segment).toBe('app');
  });

  it('capture refuses a non-empty directory before touching the cluster', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'istio-ts-capture-'));
    writeFileSync(path.join(dir, 'keep.txt'), 'x');
    const r = await runCli(['capture', 'frontend.shop', 'cart.shop:8080', '-d', dir], { env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('exists and is not empty');
  });

  it('an unparseable capture.json is a data error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'istio-ts-capture-'));
    writeFileSync(path.join(dir, 'capture.json'), '{"from": "a"');
    const r = await runCli(['diagnose', '--capture', dir]);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('capture.json is not valid JSON');
  });
});

describe('istio-ts diagnose: fitting the terminal', () => {
  const run = async (args: string[], tty: { columns?: number } | undefined) => {
    let stdout = '';
    const io: IO = {
      stdout: { write: (s: string) => (stdout += s), ...(tty ? { columns: tty.columns } : {}) } as IO['stdout'],
      stderr: { write: () => undefined },
      readStdin: async () => '',
      env: { NO_COLOR: '1' },
      cwd: process.cwd(),
      isTTY: tty !== undefined,
      stdinIsTTY: false,
    };
    const code = await main(args, io);
    return { code, stdout };
  };

  it('on a terminal, every line fits its width, wrapped at words with a hanging indent', async () => {
    const r = await run(['diagnose', '--capture', fx('keepalive-race')], { columns: 72 });
    expect(r.code).toBe(80);
    const lines = r.stdout.trimEnd().split('\n');
    // A word longer than the room may overflow; none is in this capture's text but the paths.
    for (const l of lines) if (!/\S{50,}/.test(l)) expect(l.length, l).toBeLessThanOrEqual(72);
    // A continuation of the server-app evidence is indented under its column, two more.
    const i = lines.findIndex((l) => l.startsWith('✘  server-app'));
    expect(lines[i + 1]).toMatch(/^ {21}\S/);
    // Words are whole: joining the continuation back gives the one-line text.
    expect(lines.slice(i, i + 3).map((l, k) => (k === 0 ? l : l.trim())).join(' ')).toContain('the app closed the connection under the request, before answering');
  });

  it('piped, nothing is wrapped: one line per item for grep', async () => {
    const r = await run(['diagnose', '--capture', fx('keepalive-race')], undefined);
    expect(r.stdout).toMatch(/^✘  server-app {6}the app closed the connection under the request, before answering: server sidecar 503 UC upstream_reset_before_response_started\{connection_termination\}; the client sidecar passed that 503 on \(2 of 7 requests\)$/m);
  });
});
