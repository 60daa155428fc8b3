import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCapture } from '../../../src/commands/capture/action.js';

const root = mkdtempSync(path.join(tmpdir(), 'istio-ts-capture-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

describe('capture directory permissions', () => {
  const files = new Map([
    ['capture.json', '{}'],
    ['cluster/pods.yaml', 'items: []\n'],
    ['proxies/shop/cart/istio-proxy.log', '[2026-11-21T13:00:00Z] "GET / HTTP/1.1" 200\n'],
  ]);
  it('is owner-only: directories 0700, files 0600', async () => {
    const dir = path.join(root, 'new', 'cap');
    await writeCapture(dir, files);
    for (const d of [dir, path.join(dir, 'cluster'), path.join(dir, 'proxies'), path.join(dir, 'proxies/shop/cart')]) expect([d, mode(d).toString(8)]).toEqual([d, '700']);
    for (const f of files.keys()) expect([f, mode(path.join(dir, f)).toString(8)]).toEqual([f, '600']);
    expect(readFileSync(path.join(dir, 'cluster/pods.yaml'), 'utf8')).toBe('items: []\n');
  });
  it('an empty directory made beforehand (0755) is tightened to 0700', async () => {
    const dir = path.join(root, 'premade');
    mkdirSync(dir, { mode: 0o755 });
    await writeCapture(dir, files);
    expect(mode(dir).toString(8)).toBe('700');
  });
});
