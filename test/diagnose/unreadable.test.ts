/**
 * A capture file that is corrupt, truncated or missing lowers the verdict to "unknown" for what
 * it feeds and names the file; it is never "no fault (high confidence)" nor "fault in app". And
 * a port-forward the API server refuses (RBAC) or never answers says nothing about the sidecar.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureFromFiles, readCaptureFiles } from '../../src/diagnose/capture.js';
import { collect } from '../../src/diagnose/collect.js';
import { diagnose } from '../../src/diagnose/run.js';
import { PortForwardAdmin } from '../../src/envoy/admin.js';
import { KubeError, type KubeClient, type PortForwardSession } from '../../src/kube/types.js';
import net from 'node:net';

const ROOT = path.resolve('fixtures/diagnose');
const CART = 'proxies/shop/cart-v1-7d8f9c6b5-4hx2m';

type Edit = (files: Map<string, string>) => void;
const truncate =
  (file: string, keep: number): Edit =>
  (files) =>
    files.set(file, files.get(file)!.slice(0, keep));

describe('unreadable capture files', () => {
  const cases: { name: string; scenario: string; edit: Edit; names: string }[] = [
    { name: 'a truncated config dump', scenario: 'healthy', edit: truncate(`${CART}/config_dump.json`, 5000), names: `${CART}/config_dump.json` },
    { name: 'a truncated clusters.json', scenario: 'healthy', edit: truncate(`${CART}/clusters.json`, 200), names: `${CART}/clusters.json` },
    { name: 'a stats.txt cut mid-line', scenario: 'healthy', edit: truncate(`${CART}/stats.txt`, 300), names: `${CART}/stats.txt` },
    { name: 'no cluster/pods.yaml', scenario: 'healthy', edit: (f) => f.delete('cluster/pods.yaml'), names: 'cluster/pods.yaml' },
    { name: 'a corrupt pods.yaml', scenario: 'healthy', edit: (f) => f.set('cluster/pods.yaml', 'items: [\n  - {metadata: {name: x}\n'), names: 'cluster/pods.yaml' },
    // The app looks at fault only when its sidecar's evidence is known good.
    { name: 'app-5xx with the server sidecar stats cut short', scenario: 'app-5xx', edit: truncate(`${CART}/stats.txt`, 300), names: `${CART}/stats.txt` },
    { name: 'app-5xx with the server config dump corrupt', scenario: 'app-5xx', edit: (f) => f.set(`${CART}/config_dump.json`, '{"configs": [ {"@type": '), names: `${CART}/config_dump.json` },
  ];
  it.each(cases)('$name: unknown, naming the file', async ({ scenario, edit, names }) => {
    const files = new Map(await readCaptureFiles(path.join(ROOT, scenario, 'capture')));
    edit(files);
    const { diagnosis } = diagnose(captureFromFiles(files));
    expect(diagnosis.verdict.segment).toBe('unknown');
    expect(diagnosis.verdict.summary).toContain(names);
  });

  it('the untouched captures still give their verdicts', async () => {
    for (const [scenario, segment] of [
      ['healthy', 'none'],
      ['app-5xx', 'app'],
    ] as const) {
      const { diagnosis } = diagnose(captureFromFiles(await readCaptureFiles(path.join(ROOT, scenario, 'capture'))));
      expect(diagnosis.verdict.segment).toBe(segment);
    }
  });

  it('a corrupt istiod/syncz.json leaves the control plane unknown, never "no fault (high confidence)"', async () => {
    const files = new Map(await readCaptureFiles(path.join(ROOT, 'healthy', 'capture')));
    files.set('istiod/syncz.json', '{"from": ');
    const { diagnosis } = diagnose(captureFromFiles(files));
    expect(diagnosis.verdict).not.toMatchObject({ segment: 'none', confidence: 'high' });
    expect(diagnosis.segments.find((s) => s.name === 'control-plane')?.status).toBe('unknown');
  });
});

/** A KubeClient whose port-forward fails like the real one: the local socket is dropped, lastFailure says why. */
function kubeWithPortForward(behaviour: 'forbidden' | 'silent'): KubeClient {
  return {
    defaultNamespace: 'default',
    get: async () => {
      throw new Error('unused');
    },
    list: async () => [],
    logs: async () => '',
    async portForward(): Promise<PortForwardSession> {
      const sockets = new Set<net.Socket>();
      let failure: Error | undefined;
      const server = net.createServer((s) => {
        sockets.add(s);
        if (behaviour === 'forbidden') {
          failure = new KubeError('port-forward to shop/cart:15000: pods "cart" is forbidden: User "dev" cannot create resource "pods/portforward"', 403, undefined, 'Port-forward needs create on pods/portforward');
          s.destroy();
        }
        // silent: the API server never answers the upgrade; the local socket just waits.
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return {
        localPort: (server.address() as net.AddressInfo).port,
        lastFailure: () => failure,
        lastError: () => failure?.message,
        established: () => new Promise<void>(() => undefined),
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      };
    },
  };
}

describe('a port-forward that never reaches the pod', () => {
  it.each(['forbidden', 'silent'] as const)('%s: the admin API is "not collected" (cannot tell), not "sidecar hung"', async (behaviour) => {
    const files = await readCaptureFiles(path.join(ROOT, 'healthy', 'capture'));
    const objects = captureFromFiles(files).objects.map((o) => o.object);
    const kube = kubeWithPortForward(behaviour);
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    kube.list = async (_v, kind, ns) => byKind(kind).filter((o) => !ns || o.metadata.namespace === ns) as never;
    kube.get = async (_v, kind, ns, name) => {
      const o = byKind(kind).find((x) => x.metadata.name === name && (!ns || x.metadata.namespace === ns));
      if (!o) throw new KubeError(`${kind} ${name} not found`, 404);
      return o as never;
    };
    const { files: collected } = await collect(
      { from: 'frontend-6c9f7b5d4-x2kqp.shop', to: 'cart.shop:8080' },
      {
        kube,
        admin: (pod, port) => new PortForwardAdmin(kube, pod, { port, timeoutMs: 2000 }),
        istioNamespace: 'istio-system',
        now: new Date('2026-11-21T13:00:00Z'),
        version: '0.1.0',
        tailLines: 100,
        readyTimeoutMs: 300,
      },
    );
    const meta = JSON.parse(collected.get('capture.json')!) as { notCollected: { file: string; reason: string; error: string }[] };
    const dumps = meta.notCollected.filter((n) => n.file.endsWith('config_dump.json'));
    expect(dumps.length).toBeGreaterThan(0);
    for (const n of dumps) expect(n.reason).toBe('failed');
    const { diagnosis } = diagnose(captureFromFiles(collected));
    expect(diagnosis.verdict.segment).not.toMatch(/sidecar/);
    for (const s of diagnosis.segments) for (const e of s.evidence) expect(e.id).not.toBe('proxy.admin-unreachable');
    if (behaviour === 'forbidden') expect(dumps[0]!.error).toMatch(/forbidden/);
    else expect(dumps[0]!.error).toMatch(/port-forward not established/);
  });
});
