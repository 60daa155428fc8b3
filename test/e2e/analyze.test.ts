// E2E of live analysis on the loopback harness: `istio-ts analyze` without files reads the real
// kube-apiserver (the kinds the analyzers need, Istio kinds through whichever API version the
// CRDs serve), finds what is wrong in a namespace, keeps the exit code with -o json, and layers
// files over the cluster with --use-kube.
//
// ISTIO_TS_BIN picks the CLI (default: <repo>/bin/istio-ts.js, i.e. the built dist/).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, createNamespace, deployment, harnessEnv, istioTs, kubectlJSON, kubectlPath, runningPods } from './harness.js';


interface Msg {
  code: string;
  origin: string;
  message: string;
}

describe('analyze on a live cluster', () => {
  let ns: { name: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    ns = await createNamespace('e2e-analyze', { 'istio-injection': 'enabled' });
    // A VirtualService that points at a gateway and a subset that do not exist.
    await apply(
      {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: 'reviews', namespace: ns.name },
        spec: {
          hosts: ['reviews'],
          gateways: ['no-such-gateway'],
          http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }],
        },
      },
      ns.name,
    );
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: ns.name }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] } }, ns.name);
  });
  afterAll(async () => {
    await ns?.cleanup();
  });

  it('finds the broken references in the namespace, with the exit code kept under -o json', async () => {
    const r = await istioTs(['analyze', '-n', ns.name, '-o', 'json']);
    const msgs = JSON.parse(r.stdout) as Msg[];
    const found = msgs.map((m) => `${m.code} ${m.origin}`);
    expect(found).toContain(`IST0101 VirtualService ${ns.name}/reviews`);
    expect(msgs.some((m) => m.message.includes('no-such-gateway'))).toBe(true);
    expect(msgs.some((m) => m.message.includes('reviews+v9'))).toBe(true);
    // Findings only from the selected namespace.
    expect(msgs.every((m) => !m.origin.includes('/') || m.origin.includes(` ${ns.name}/`))).toBe(true);
    expect(r.code).toBe(79);
  });

  it('with -A reports the same finding among all namespaces', async () => {
    const r = await istioTs(['analyze', '-A', '-o', 'json', '--analyzer', 'virtualservice.GatewayAnalyzer']);
    const msgs = JSON.parse(r.stdout) as Msg[];
    expect(msgs.map((m) => `${m.code} ${m.origin}`)).toContain(`IST0101 VirtualService ${ns.name}/reviews`);
  });

  it('layers files over the cluster with --use-kube: the fix in a file clears the finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-ts-e2e-analyze-'));
    const fix = join(dir, 'fix.yaml');
    writeFileSync(
      fix,
      [
        'apiVersion: networking.istio.io/v1',
        'kind: Gateway',
        'metadata:',
        '  name: no-such-gateway',
        `  namespace: ${ns.name}`,
        'spec:',
        '  selector: {istio: ingressgateway}',
        '  servers:',
        '  - port: {number: 80, name: http, protocol: HTTP}',
        '    hosts: ["*"]',
        '',
      ].join('\n'),
    );
    const r = await istioTs(['analyze', '-n', ns.name, '-o', 'json', '--use-kube', '--analyzer', 'virtualservice.GatewayAnalyzer', fix]);
    const msgs = JSON.parse(r.stdout) as Msg[];
    expect(msgs.filter((m) => m.code === 'IST0101' && m.message.includes('no-such-gateway'))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('says clearly when the cluster cannot be reached, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-ts-e2e-kc-'));
    const kc = join(dir, 'kubeconfig');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:9"}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {token: x}\n',
    );
    const r = await istioTs(['analyze', '-A'], { env: { KUBECONFIG: kc } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^Error: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('-n NS reports no finding on other Namespace objects (istioctl does not either)', async () => {
    const other = await createNamespace('e2e-analyze-noinj');
    try {
      const all = await istioTs(['analyze', '-A', '-o', 'json', '--analyzer', 'injection.Analyzer']);
      const allFound = (JSON.parse(all.stdout) as Msg[]).map((m) => `${m.code} ${m.origin}`);
      expect(allFound).toContain(`IST0102 Namespace ${other.name}`);
      const r = await istioTs(['analyze', '-n', ns.name, '-o', 'json', '--analyzer', 'injection.Analyzer']);
      const found = (JSON.parse(r.stdout) as Msg[]).map((m) => `${m.code} ${m.origin}`);
      expect(found.filter((f) => f.startsWith('IST0102 Namespace'))).toEqual([]);
      const own = await istioTs(['analyze', '-n', other.name, '-o', 'json', '--analyzer', 'injection.Analyzer']);
      expect((JSON.parse(own.stdout) as Msg[]).map((m) => `${m.code} ${m.origin}`)).toEqual([`IST0102 Namespace ${other.name}`]);
    } finally {
      await other.cleanup();
    }
  });

  it("istio-ts's own analyzers run on the live cluster and are suppressible", async () => {
    await apply(
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'reviews', namespace: ns.name },
        spec: {
          host: 'reviews',
          trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, maxEjectionPercent: 100 } },
          subsets: [{ name: 'v2', labels: { version: 'v2' }, trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 1 } } } }],
        },
      },
      ns.name,
    );
    const r = await istioTs(['analyze', '-n', ns.name, '-o', 'json']);
    const found = (JSON.parse(r.stdout) as Msg[]).map((m) => `${m.code} ${m.origin}`);
    expect(found).toContain(`ITS0009 DestinationRule ${ns.name}/reviews`);
    expect(found).toContain(`ITS0012 DestinationRule ${ns.name}/reviews`);
    const s = await istioTs(['analyze', '-n', ns.name, '-o', 'json', '-S', `ITS0009=DestinationRule ${ns.name}/reviews`]);
    expect((JSON.parse(s.stdout) as Msg[]).map((m) => m.code)).not.toContain('ITS0009');
  });

  it('--remote-contexts compares Services across contexts; an unreachable one is an error naming it, the rest still analyzed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-ts-e2e-mc-'));
    const kc = join(dir, 'kubeconfig');
    copyFileSync(harnessEnv().KUBECONFIG!, kc);
    const view = await kubectlJSON<{ contexts: { name: string; context: { cluster: string; user: string } }[]; 'current-context': string }>(['config', 'view', '--minify']);
    const cur = view.contexts.find((c) => c.name === view['current-context'])!.context;
    const k = (args: string[]) => execFileSync(kubectlPath(), ['--kubeconfig', kc, ...args], { stdio: 'pipe' });
    // "west" is the same API server under another context name: every Service matches itself.
    k(['config', 'set-context', 'west', `--cluster=${cur.cluster}`, `--user=${cur.user}`]);
    k(['config', 'set-cluster', 'down', '--server=https://127.0.0.1:9']);
    k(['config', 'set-context', 'down', '--cluster=down', `--user=${cur.user}`]);
    const ok = await istioTs(['analyze', '-A', '-o', 'json', '--analyzer', 'services.MultiClusterServiceAnalyzer', '--remote-contexts', 'west'], { env: { KUBECONFIG: kc } });
    expect(JSON.parse(ok.stdout)).toEqual([]);
    expect(ok.code).toBe(0);
    const r = await istioTs(['analyze', '-A', '-o', 'json', '--analyzer', 'services.MultiClusterServiceAnalyzer', '--remote-contexts', 'west,down'], { env: { KUBECONFIG: kc } });
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(79);
    expect(r.stderr).toMatch(/could not read context down: .*(refused|ECONNREFUSED|unreachable)/i);
    const missing = await istioTs(['analyze', '-A', '--remote-contexts', 'no-such-context'], { env: { KUBECONFIG: kc } });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no-such-context');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('ITS0006 on a live cluster: plaintext clients from any namespace, NetworkPolicies read from the API server', () => {
  let srv: { name: string; cleanup: () => Promise<void> };
  let cli: { name: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    srv = await createNamespace('e2e-strict', { 'istio-injection': 'enabled' });
    cli = await createNamespace('e2e-plain');
    await apply(deployment('api'), srv.name);
    await apply(deployment('batch'), cli.name);
    await apply({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: srv.name }, spec: { mtls: { mode: 'STRICT' } } }, srv.name);
    const [pod] = await runningPods(srv.name, 'api', 1);
    // The real istiod injected it: it is a server the STRICT policy protects.
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toContain('istio-proxy');
    await runningPods(cli.name, 'batch', 1);
  });
  afterAll(async () => {
    await srv?.cleanup();
    await cli?.cleanup();
  });

  /** The ITS0006 messages of the STRICT policy about the plaintext namespace. */
  const its0006 = async (): Promise<string[]> => {
    const r = await istioTs(['analyze', '-A', '-o', 'json', '--analyzer', 'authn.StrictMtlsClientsAnalyzer']);
    return (JSON.parse(r.stdout) as Msg[]).filter((m) => m.code === 'ITS0006' && m.origin === `PeerAuthentication ${srv.name}/default` && m.message.includes(`namespace ${cli.name} has`)).map((m) => m.message);
  };

  it('a pod of another namespace is a client until a NetworkPolicy keeps it out; one that admits it is named', async () => {
    const [open] = await its0006();
    expect(open).toMatch(/\(\S*batch\S* can reach \S*api\S*: no NetworkPolicy restricts ingress to it\)/);

    const policy = (name: string, from: object[]) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: srv.name },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from }] },
    });
    await apply(policy('same-namespace', [{ podSelector: {} }]), srv.name);
    expect(await its0006()).toEqual([]);

    await apply(policy('allow-plain', [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': cli.name } } }]), srv.name);
    const [admitted] = await its0006();
    expect(admitted).toContain(`: NetworkPolicy ${srv.name}/allow-plain admits it)`);
  });
});
