import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyStatus, type ProxyStatusOptions } from '../../../src/commands/proxy-status/action.js';
import { runCli } from '../../helpers/cli.js';
import { expectGolden } from '../../helpers/golden.js';
import { capture, fakeMesh, type FakeMesh } from './fake-mesh.js';

const dir = 'fixtures/envoy/syncz';
const fx = (f: string) => readFileSync(path.join(dir, f), 'utf8');

const goldens: { name: string; args: string[]; golden: string }[] = [
  { name: 'Istio 1.16 syncz list', args: ['ps', '--syncz-file', `${dir}/syncz-1.16.json`], golden: 'syncz-1.16.golden.txt' },
  { name: 'current syncz list with a NACK', args: ['ps', '--syncz-file', `${dir}/syncz-1.24.json`], golden: 'syncz-1.24.golden.txt' },
  { name: 'ClientConfig response with skew and a NACK', args: ['proxy-status', '--syncz-file', `${dir}/syncz-clientconfig.json`], golden: 'syncz-clientconfig.golden.txt' },
  { name: 'namespace filter', args: ['ps', '--syncz-file', `${dir}/syncz-1.24.json`, '-n', 'bookinfo'], golden: 'syncz-1.24-bookinfo.golden.txt' },
  { name: 'json', args: ['ps', '--syncz-file', `${dir}/syncz-clientconfig.json`, '-o', 'json'], golden: 'syncz-clientconfig.golden.json' },
  { name: '-v 1: one column per xDS type, IGNORED where the proxy does not watch it, ages', args: ['ps', '--syncz-file', `${dir}/syncz-1.24.json`, '-v', '1'], golden: 'syncz-1.24-verbose.golden.txt' },
  { name: '-v 1 on a ClientConfig response', args: ['ps', '--syncz-file', `${dir}/syncz-clientconfig.json`, '--verbosity', '1'], golden: 'syncz-clientconfig-verbose.golden.txt' },
  {
    name: 'debug clients and connections without xDS state are left out; ztunnel lists WADS,WDS; ECDS when watched',
    args: ['ps', '--syncz-file', `${dir}/syncz-debug-ztunnel.json`],
    golden: 'syncz-debug-ztunnel.golden.txt',
  },
  {
    name: 'real istiod 1.31 /debug/syncz recorded on the harness: istioctl\'s three debug connections (test-1.default, 65536.65536.65536) are left out',
    args: ['ps', '--syncz-file', `${dir}/syncz-1.31-harness.json`],
    golden: 'syncz-1.31-harness.golden.txt',
  },
  { name: 'the same, one column per type', args: ['ps', '--syncz-file', `${dir}/syncz-debug-ztunnel.json`, '-v', '1'], golden: 'syncz-debug-ztunnel-verbose.golden.txt' },
];

describe('proxy-status from saved syncz responses', () => {
  const names = goldens.map((g) => g.golden);
  it('has no duplicate rows', () => expect(new Set(names).size).toBe(names.length));
  for (const g of goldens) {
    it(g.name, async () => {
      const r = await runCli(g.args, { env: { ISTIO_TS_NOW: '2026-11-20T09:46:12Z' } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expectGolden(path.join(dir, g.golden), r.stdout);
    });
  }
  it('-o yaml carries the same value as -o json', async () => {
    const { parse } = await import('yaml');
    const j = await runCli(['ps', '--syncz-file', `${dir}/syncz-1.24.json`, '-o', 'json']);
    const y = await runCli(['ps', '--syncz-file', `${dir}/syncz-1.24.json`, '-o', 'yaml']);
    expect(parse(y.stdout)).toEqual(JSON.parse(j.stdout));
  });
});

describe('proxy-status usage and input errors', () => {
  const cases: { name: string; args: string[]; code: number; stderr: RegExp }[] = [
    { name: 'bad output', args: ['ps', '--syncz-file', `${dir}/syncz-1.24.json`, '-o', 'wide'], code: 64, stderr: /invalid output format "wide"/ },
    { name: 'syncz file with a pod', args: ['ps', 'reviews-v1.bookinfo', '--syncz-file', `${dir}/syncz-1.24.json`], code: 64, stderr: /does not go with POD/ },
    { name: '-f without pod or istiod file', args: ['ps', '-f', 'dump.json'], code: 64, stderr: /-f needs POD/ },
    { name: 'bad timeout', args: ['ps', '--timeout', 'soon'], code: 64, stderr: /not a duration/ },
    { name: 'bad verbosity', args: ['ps', '-v', 'max'], code: 64, stderr: /--verbosity: "max" is not a level/ },
    { name: 'bad pod reference', args: ['ps', 'job/x'], code: 64, stderr: /unsupported resource type "job"/ },
    { name: 'missing syncz file', args: ['ps', '--syncz-file', `${dir}/nope.json`], code: 66, stderr: /cannot read .*nope.json: no such file/ },
    { name: 'not a syncz file', args: ['ps', '--syncz-file', 'fixtures/envoy/sidecar/config_dump.json'], code: 65, stderr: /not a \/debug\/syncz response/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCli(c.args);
      expect(r.code).toBe(c.code);
      expect(r.stderr).toMatch(c.stderr);
      expect(r.stdout).toBe('');
    });
  }
});

describe('proxy-status against a (fake) cluster', () => {
  let mesh: FakeMesh | undefined;
  afterEach(async () => mesh?.close());
  const base: ProxyStatusOptions = { istioNamespace: 'istio-system', synczFiles: [], adminPort: 15000, timeoutMs: 2000, format: 'table', verbosity: 0, now: new Date('2026-11-20T09:46:12Z') };

  it('asks every istiod replica, merges their proxies, and reports one that does not answer without hiding the others', async () => {
    mesh = await fakeMesh({
      istiods: [
        { name: 'istiod-a', routes: { '/debug/syncz': { body: fx('syncz-1.24.json') }, '/version': { body: '1.24.2-4c8d2e9f1a7b3c5d6e8f0a1b2c3d4e5f6a7b8c9d-Clean' } } },
        { name: 'istiod-b', routes: {} },
      ],
      unreachable: ['istiod-b'],
    });
    const c = capture();
    expect(await proxyStatus(c.ctx, { ...base, verbosity: 1 }, { connect: async () => mesh!.kube })).toBe(0);
    expect(c.out()).toContain('reviews-v3-84779c7bbc-4q5vn.bookinfo');
    // -v 1 columns: CDS ECDS EDS LDS RDS SDS (type URL order); ECDS is not watched: IGNORED.
    expect(c.out()).toMatch(/reviews-v3\S+ +Kubernetes +SYNCED \(4m59s\) +IGNORED +SYNCED \(4m59s\) +ERROR \(4m59s\) +SYNCED \(4m59s\) +SYNCED \(4m59s\) +istiod-a +1\.24\.2/);
    // 1.22.3 is a minor version no control plane runs: the skew summary says so.
    expect(c.out()).toContain('Version skew: 1 proxy runs a minor version no control plane runs\n  control plane: 1.24.2 (1 istiod pod)\n');
    expect(c.err()).toMatch(/^Error: istiod istiod-b\.istio-system: .*unable to upgrade connection/m);
    expect(mesh.forwards).toEqual(expect.arrayContaining(['istio-system/istiod-a:15014', 'istio-system/istiod-b:15014']));
  });

  it('fails with exit 1 when no istiod answers, and names the pods', async () => {
    mesh = await fakeMesh({ istiods: [{ name: 'istiod-a', routes: {} }], unreachable: ['istiod-a'] });
    const c = capture();
    await expect(proxyStatus(c.ctx, base, { connect: async () => mesh!.kube })).rejects.toMatchObject({ exitCode: 1, message: 'no istiod answered /debug/syncz (1 pod tried)' });
    expect(c.err()).toMatch(/istiod-a/);
  });

  it('says when there is no istiod of the revision', async () => {
    mesh = await fakeMesh({ istiods: [{ name: 'istiod-a', rev: 'default', routes: {} }] });
    await expect(proxyStatus(capture().ctx, { ...base, revision: '1-25' }, { connect: async () => mesh!.kube })).rejects.toThrow('no running istiod pod of revision "1-25" in namespace istio-system');
  });

  it('with a pod: diffs its Envoy config against the istiod replica it is connected to', async () => {
    const dump = readFileSync('fixtures/envoy/sidecar/config_dump.json', 'utf8');
    const proxyID = 'productpage-v1-7d4b8.bookinfo';
    mesh = await fakeMesh({
      istiods: [
        { name: 'istiod-a', routes: { [`/debug/config_dump?proxyID=${encodeURIComponent(proxyID)}`]: { status: 404, body: 'Proxy not connected to this Pilot instance. It may be connected to another instance.\n' } } },
        { name: 'istiod-b', routes: { [`/debug/config_dump?proxyID=${encodeURIComponent(proxyID)}`]: { body: dump } } },
      ],
      pods: [{ name: 'productpage-v1-7d4b8', namespace: 'bookinfo', routes: { '/config_dump': { body: dump } } }],
    });
    const c = capture();
    expect(await proxyStatus(c.ctx, { ...base, pod: proxyID }, { connect: async () => mesh!.kube })).toBe(0);
    expect(c.out()).toMatch(/^Clusters Match\nListeners Match\nRoutes Match( \(RDS last loaded at \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d UTC\))?\n$/);
    expect(mesh.forwards).toContain('bookinfo/productpage-v1-7d4b8:15000');
  });

  it('with a pod no istiod knows: a clear error naming each replica', async () => {
    mesh = await fakeMesh({
      istiods: [{ name: 'istiod-a', routes: {} }],
      pods: [{ name: 'web-1', namespace: 'shop', routes: { '/config_dump': { body: fx('../sidecar/config_dump.json') } } }],
    });
    await expect(proxyStatus(capture().ctx, { ...base, pod: 'web-1.shop' }, { connect: async () => mesh!.kube })).rejects.toThrow(/no istiod has a config for web-1\.shop[^]*istiod-a: istiod GET \/debug\/config_dump\?proxyID=web-1\.shop: unexpected status code: 404/);
  });
});

describe('proxy-status offline diff (-f and --istiod-file)', () => {
  it('prints what differs as a unified diff', async () => {
    const gw = 'fixtures/envoy/gateway/config_dump.json';
    const sc = 'fixtures/envoy/sidecar/config_dump.json';
    const same = await runCli(['ps', '-f', sc, '--istiod-file', sc]);
    expect(same.stdout).toMatch(/^Clusters Match\nListeners Match\nRoutes Match/);
    const r = await runCli(['ps', '-f', gw, '--istiod-file', sc, '-o', 'json']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.clusters.match).toBe(false);
    expect(v.clusters.diff).toMatch(/^--- Istiod Clusters\n\+\+\+ Envoy Clusters\n@@ /);
  });
});
