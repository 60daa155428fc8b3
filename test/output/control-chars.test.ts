import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { visible } from '../../src/output/diagnostics.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('control characters from input files', () => {
  it('are shown as escapes, line breaks in messages kept', () => {
    expect(visible('web\u001b[2J\u0007')).toBe('web\\x1b[2J\\x07');
    expect(visible('a\nb\u009b', true)).toBe('a\nb\\x9b');
  });

  it('a resource name with terminal escapes cannot reach the terminal (log and github output)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-esc-'));
    const file = path.join(dir, 'vs.yaml');
    writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: "web\\e[2J\\e]0;pwned\\a"\n  namespace: default\nspec:\n  hosts: ["x"]\n  gateways: ["nope"]\n  http: [{route: [{destination: {host: "x"}}]}]\n');
    for (const o of ['log', 'github']) {
      const r = await runCli(['analyze', '--use-kube=false', '-o', o, file]);
      expect(r.code).toBe(79);
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
      expect(r.stdout).toContain('web\\x1b[2J\\x1b]0;pwned\\x07');
    }
  });
});
