import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/client.js';
import { KubeError } from '../../src/kube/types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-kube-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kubeconfig = (contexts: { name: string; namespace?: string }[], current: string) => `apiVersion: v1
kind: Config
clusters:
- name: harness
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: false}
users:
- name: admin
  user: {token: not-a-real-token}
contexts:
${contexts.map((c) => `- name: ${c.name}\n  context: {cluster: harness, user: admin${c.namespace ? `, namespace: ${c.namespace}` : ''}}`).join('\n')}
current-context: ${current}
`;
const a = path.join(dir, 'a.yaml');
const b = path.join(dir, 'b.yaml');
writeFileSync(a, kubeconfig([{ name: 'dev', namespace: 'bookinfo' }, { name: 'plain' }], 'dev'));
writeFileSync(b, kubeconfig([{ name: 'prod', namespace: 'payments' }], 'prod'));

describe('kubeconfig resolution (like kubectl)', () => {
  const cases: { name: string; opts: Parameters<typeof connect>[0]; ns: string }[] = [
    { name: '--kubeconfig, context namespace', opts: { kubeconfig: a, env: {} }, ns: 'bookinfo' },
    { name: '--context without a namespace falls back to default', opts: { kubeconfig: a, context: 'plain', env: {} }, ns: 'default' },
    { name: '-n wins over the context', opts: { kubeconfig: a, namespace: 'istio-system', env: {} }, ns: 'istio-system' },
    { name: '$KUBECONFIG path list is merged, first file wins current-context', opts: { env: { KUBECONFIG: `${a}:${b}` } }, ns: 'bookinfo' },
    { name: 'a context from the second KUBECONFIG file', opts: { context: 'prod', env: { KUBECONFIG: `${a}:${b}` } }, ns: 'payments' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const kube = await connect(c.opts);
      expect(kube.defaultNamespace).toBe(c.ns);
    });
  }
  it('rejects an unknown --context', async () => {
    await expect(connect({ kubeconfig: a, context: 'nope', env: {} })).rejects.toThrow(KubeError);
    await expect(connect({ kubeconfig: a, context: 'nope', env: {} })).rejects.toThrow(/context "nope" does not exist/);
  });
  it('reports an unreadable kubeconfig', async () => {
    // kubectl: "stat <file>: no such file or directory" for an explicit --kubeconfig.
    await expect(connect({ kubeconfig: path.join(dir, 'missing.yaml'), env: {} })).rejects.toThrow(/stat .*missing\.yaml: no such file or directory/);
  });
});
