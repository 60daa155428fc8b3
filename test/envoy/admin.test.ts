import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, classifyAdminText, FileAdmin, kindsForPath, mapLimit, PortForwardAdmin } from '../../src/envoy/admin.js';
import { parseFlagDuration } from '../../src/cli/flags.js';
import { openSources, SourceError, validateSource } from '../../src/envoy/source.js';
import type { KubeClient, KubeObject } from '../../src/kube/types.js';
import { KubeError } from '../../src/kube/types.js';

const fx = (f: string) => readFileSync(`fixtures/envoy/sidecar/${f}`, 'utf8');

describe('classifyAdminText', () => {
  it.each([
    ['config_dump.json', 'config_dump'],
    ['clusters.json', 'clusters_json'],
    ['stats-default.txt', 'stats_text'],
    ['logging.txt', 'logging'],
  ] as const)('%s is %s', (f, kind) => expect(classifyAdminText(fx(f))).toBe(kind));
  it.each([
    ['outbound|9080||reviews.bookinfo.svc.cluster.local::10.244.1.22:9080::cx_active::1\n', 'clusters_text'],
    ['{"stats":[{"name":"server.live","value":1}]}', 'stats_json'],
    ['configs:\n- "@type": x\n', 'config_dump'],
    ['# TYPE envoy_server_live gauge\nenvoy_server_live{} 1\n', 'prometheus'],
    ['<html>', 'unknown'],
  ] as const)('%j is %s', (t, kind) => expect(classifyAdminText(t)).toBe(kind));
  it('maps admin paths to the kinds that answer them', () => {
    expect(kindsForPath('config_dump?mask=bootstrap')).toEqual(['config_dump']);
    expect(kindsForPath('clusters?format=json')).toEqual(['clusters_json']);
    expect(kindsForPath('stats')).toEqual(['stats_text', 'stats_json']);
  });
});

describe('FileAdmin', () => {
  it('answers only paths its content can stand for', async () => {
    const a = new FileAdmin('stats.txt', fx('stats-default.txt'));
    expect(await a.get('stats')).toContain('server.live: 1');
    await expect(a.get('config_dump?mask=bootstrap')).rejects.toThrow(/stats.txt holds an Envoy \/stats response, but this needs an Envoy \/config_dump/);
    await expect(a.post('logging?level=debug')).rejects.toBeInstanceOf(AdminError);
  });
});

describe('durations and concurrency', () => {
  it.each([
    ['30s', 30_000],
    ['2m', 120_000],
    ['1500ms', 1500],
    ['5', 5000],
    ['soon', undefined],
  ])('%s', (s, ms) => expect(parseFlagDuration(s)).toBe(ms));

  it('mapLimit keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n * 3));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});

/**
 * The port-forward wiring against a fake: the fake KubeClient's portForward "forwards" to a local
 * HTTP server that plays Envoy's admin API. The real port-forward (SPDY/WebSocket to the kubelet)
 * is exercised on the cluster harness, not here.
 */
describe('PortForwardAdmin over a fake cluster', () => {
  const requests: string[] = [];
  let server: http.Server;
  let port = 0;
  const forwards: string[] = [];
  let closed = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.url === '/config_dump?mask=bootstrap') res.end(fx('config_dump.json'));
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 500);
      else if (req.url?.startsWith('/logging')) res.end(fx('logging.txt'));
      else {
        res.statusCode = 404;
        res.end('invalid path\n');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const pod = (name: string, ready: boolean, created: string): KubeObject => ({
    metadata: { name, namespace: 'bookinfo', creationTimestamp: created },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  const fake: KubeClient = {
    defaultNamespace: 'bookinfo',
    async get(_v, kind, ns, name) {
      if (kind === 'Deployment' && name === 'reviews-v2') return { kind, metadata: { name, namespace: ns }, spec: { selector: { matchLabels: { app: 'reviews', version: 'v2' } } } };
      if (kind === 'Pod' && name === 'reviews-v2-new') return { kind, metadata: { name, namespace: ns }, spec: { containers: [{ name: 'reviews' }, { name: 'istio-proxy' }] } };
      if (kind === 'Pod' && name === 'plain') return { kind, metadata: { name, namespace: ns }, spec: { containers: [{ name: 'app' }] } };
      throw new KubeError(`pods "${name}" not found`, 404);
    },
    async list(_v, _kind, _ns, opts) {
      expect(opts?.labelSelector).toMatch(/app=reviews/);
      return [pod('reviews-v2-old', false, '2026-11-20T00:00:00Z'), pod('reviews-v2-new', true, '2026-11-21T00:00:00Z')];
    },
    async portForward(ns, name, p) {
      forwards.push(`${ns}/${name}:${p}`);
      return { localPort: port, close: async () => void closed++ };
    },
    async logs() {
      return '';
    },
  };

  it('resolves deploy/NAME to its ready pod, forwards once and reuses the forward', async () => {
    const [a] = await openSources({ pod: 'deploy/reviews-v2', adminPort: 15000, timeoutMs: 2000, readStdin: async () => '', kube: async () => fake });
    expect(a!.target).toBe('reviews-v2-new.bookinfo');
    expect(await a!.get('config_dump?mask=bootstrap')).toContain('BootstrapConfigDump');
    expect(await a!.post('logging?http=debug')).toContain('active loggers');
    await a!.close();
    expect(forwards).toEqual(['bookinfo/reviews-v2-new:15000']);
    expect(requests).toEqual(['GET /config_dump?mask=bootstrap', 'POST /logging?http=debug']);
    expect(closed).toBe(1);
  });

  it('a pod that does not exist, or runs no Envoy, is said at once (no port-forward)', async () => {
    const before = forwards.length;
    await expect(openSources({ pod: 'ghost', adminPort: 15000, timeoutMs: 2000, readStdin: async () => '', kube: async () => fake })).rejects.toMatchObject({
      kind: 'notfound',
      message: 'pod ghost not found in namespace bookinfo',
    });
    await expect(openSources({ pod: 'plain', adminPort: 15000, timeoutMs: 2000, readStdin: async () => '', kube: async () => fake })).rejects.toMatchObject({
      kind: 'failed',
      message: expect.stringMatching(/^pod plain\.bookinfo has no istio-proxy container/),
    });
    expect(forwards.length).toBe(before);
  });

  it('reports non-200 answers and timeouts with the pod name', async () => {
    const a = new PortForwardAdmin(fake, { name: 'p', namespace: 'ns' }, { port: 15000, timeoutMs: 100 });
    await expect(a.get('nope')).rejects.toThrow(/p.ns: Envoy admin GET \/nope: unexpected status code: 404 \(invalid path\)/);
    await expect(a.get('slow')).rejects.toThrow(/timed out after 0.1s/);
    await a.close();
  });

  it('explains a failed port-forward instead of "socket hang up"', async () => {
    // A local server that accepts and drops connections, like the port-forward listener does when
    // the API server refuses the upgrade.
    const dropper = (await import('node:net')).createServer((s) => s.destroy());
    await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', () => r()));
    const dropPort = (dropper.address() as AddressInfo).port;
    const refusing: KubeClient = { ...fake, portForward: async () => ({ localPort: dropPort, lastError: () => 'Unexpected server response: 500', close: async () => undefined }) };
    const a = new PortForwardAdmin(refusing, { name: 'p', namespace: 'ns' }, { port: 15000, timeoutMs: 1000 });
    await expect(a.get('config_dump?mask=bootstrap')).rejects.toThrow('p.ns: port-forward to port 15000 failed: Unexpected server response: 500');
    await new Promise<void>((r) => dropper.close(() => r()));
  });

  it('validates usage before loading any cluster client', async () => {
    let connected = false;
    const kube = async () => {
      connected = true;
      return fake;
    };
    expect(() => validateSource('proxy-config cluster', {})).toThrow(SourceError);
    await expect(openSources({ pod: 'job/x', adminPort: 15000, timeoutMs: 1000, readStdin: async () => '', kube })).rejects.toThrow(/unsupported resource type/);
    expect(connected).toBe(false);
  });
});
