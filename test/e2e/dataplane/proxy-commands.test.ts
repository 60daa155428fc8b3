// proxy-config, proxy-stats (--summary included), proxy-status and version against real Envoys
// (pilot-agent + upstream Envoy 1.40.0 per pod, see test/harness/dataplane.sh), through the same
// port-forwards and APIs as in a cluster. productpage → reviews; the driver sends 7 requests the
// app answers 200, then 3 it answers 500, and the counters istio-ts reads must say exactly that.
// Also the loud NACK guard: istiod must have an ACK of every xDS type from every real Envoy.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { istioTs } from '../harness.js';
import { disableDataplaneTelemetry, enableDataplaneTelemetry, Mesh, nacks, PORT, syncz, type Workload } from './mesh.js';

/** The table row of one proxy: NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION. */
function row(table: string, proxy: string): string[] | undefined {
  const line = table.split('\n').find((l) => l.startsWith(`${proxy} `));
  return line?.split(/ {2,}/);
}

describe('data plane commands on real Envoys', () => {
  let m: Mesh;
  let client: Workload;
  let server: Workload;
  let reviews: string;
  let outbound: string;

  beforeAll(async () => {
    await enableDataplaneTelemetry();
    m = await Mesh.create('dp-proxy');
    client = await m.client('productpage');
    server = await m.server('reviews');
    reviews = m.host('reviews');
    outbound = `outbound|${PORT}||${reviews}`;
    await m.appUp(server, 'ok');
    await m.proxyUp(server);
    await m.proxyUp(client);
    await m.synced([client, server]);
    await m.ready([client, server], [{ from: client, to: server }]);
    expect((await m.drive(client, { host: `${reviews}:${PORT}`, path: '/reviews/1', count: 7 })).codes).toEqual({ 200: 7 });
    await m.appDown(server);
    await m.appUp(server, '500');
    expect((await m.drive(client, { host: `${reviews}:${PORT}`, path: '/reviews/2', count: 3 })).codes).toEqual({ 500: 3 });
  });
  afterAll(async () => {
    if (process.env.DP_KEEP === '1') return; // leave the mesh running to look at
    await m?.cleanup();
    await disableDataplaneTelemetry();
  });

  it('istiod has an ACK of every xDS type it sent from each real Envoy, and no NACK', async () => {
    expect(await nacks([client.ref, server.ref]), 'upstream Envoy rejected a push: a new Istio-only extension? see ../shared/reference/real-envoy.md').toEqual([]);
    // istiod pushes to every proxy when anything in the mesh changes (other suites' namespaces
    // come and go), so a single read can land between a push and its ACK. Read until a snapshot
    // has every type acked (bounded); the assertions below then judge the last snapshot read.
    let entries = await syncz();
    const settled = (es: typeof entries) => [client, server].every((w) => {
      const e = es.find((x) => x.proxy === w.ref);
      return e && ['CDS', 'LDS', 'EDS', 'RDS'].every((t) => e.types[t]?.sent && e.types[t]?.acked === e.types[t]?.sent);
    });
    for (const deadline = Date.now() + 30_000; !settled(entries) && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 500));
      entries = await syncz();
    }
    for (const w of [client, server]) {
      const e = entries.find((x) => x.proxy === w.ref);
      expect(e, `${w.ref} in /debug/syncz`).toBeDefined();
      for (const t of ['CDS', 'LDS', 'EDS', 'RDS']) {
        expect(e!.types[t]?.sent, `${w.ref} ${t} sent`).not.toBe('');
        expect(e!.types[t]?.acked, `${w.ref} ${t} acked`).toBe(e!.types[t]?.sent);
      }
    }
  });

  it('proxy-status lists both real proxies SYNCED, and compares istiod with Envoy for one', async () => {
    // As above: a read during one of istiod's pushes shows a type STALE, and istiod's config for the
    // proxy ahead of Envoy's ("Don't Match"). Read until one pair of reads has neither (bounded);
    // the assertions below judge the last pair read.
    const read = async () => ({ r: await istioTs(['proxy-status', '-n', m.ns]), one: await istioTs(['proxy-status', client.ref]) });
    const settled = (x: Awaited<ReturnType<typeof read>>) =>
      [client, server].every((w) => { const cols = row(x.r.stdout, w.ref); return cols !== undefined && !/STALE|ERROR|NOT SENT/.test(cols.join(' ')); }) &&
      /^Clusters Match\n/.test(x.one.stdout) && /\nListeners Match\n/.test(x.one.stdout) && /\nRoutes Match/.test(x.one.stdout);
    let x = await read();
    for (const deadline = Date.now() + 30_000; !settled(x) && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 1000));
      x = await read();
    }
    const { r, one } = x;
    expect(r.code, r.stderr).toBe(0);
    // pilot-agent speaks delta xDS: istioctl shows such a proxy with its SUBSCRIBED TYPES, a
    // state-of-the-world one with a column per type; either way all four, and nothing stale.
    const header = r.stdout.split('\n')[0]!;
    for (const w of [client, server]) {
      const cols = row(r.stdout, w.ref);
      expect(cols, r.stdout).toBeDefined();
      if (/SUBSCRIBED TYPES/.test(header)) expect(cols!.at(-1), r.stdout).toMatch(/^4 \(CDS,LDS,EDS,RDS\)$/);
      else expect(cols!.slice(2, 6), r.stdout).toEqual(['SYNCED', 'SYNCED', 'SYNCED', 'SYNCED']);
      expect(cols!.join(' '), r.stdout).not.toMatch(/STALE|ERROR|NOT SENT/);
    }
    const j = JSON.parse((await istioTs(['proxy-status', '-n', m.ns, '-o', 'json'])).stdout);
    expect(j.proxies.map((p: { proxy: string }) => p.proxy).sort()).toEqual([client.ref, server.ref].sort());
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^Clusters Match\n/);
    expect(one.stdout).toMatch(/\nListeners Match\n/);
    expect(one.stdout).toMatch(/\nRoutes Match/);
  });

  it('version reads istiod and the real data plane (pilot-agent 1.31-dev)', async () => {
    const r = await istioTs(['version', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const dp = j.dataPlaneVersion.filter((p: { ID: string }) => p.ID === client.ref || p.ID === server.ref);
    expect(dp.map((p: { ID: string }) => p.ID).sort()).toEqual([client.ref, server.ref].sort());
    for (const p of dp) expect(p.IstioVersion).toBe('1.31-dev');
  });

  it('proxy-config cluster, listener, route, endpoint read the real dumps (bind-address listeners included)', async () => {
    const cluster = await istioTs(['pc', 'cluster', client.ref, '--fqdn', reviews]);
    expect(cluster.code, cluster.stderr).toBe(0);
    expect(cluster.stdout).toMatch(new RegExp(`${reviews.replace(/\./g, '\\.')} +${PORT} +- +outbound +EDS`));
    const cj = JSON.parse((await istioTs(['pc', 'cluster', client.ref, '--fqdn', reviews, '-o', 'json'])).stdout);
    expect(cj.map((c: { name: string }) => c.name)).toContain(outbound);

    const listener = await istioTs(['pc', 'listener', client.ref, '--port', String(PORT)]);
    expect(listener.code, listener.stderr).toBe(0);
    expect(listener.stdout).toContain(client.ip);
    const lj = JSON.parse((await istioTs(['pc', 'listener', client.ref, '--port', String(PORT), '-o', 'json'])).stdout);
    expect(lj.map((l: { name: string }) => l.name)).toContain(`${client.ip}_${PORT}`);
    // the server's inbound side is its own bind-address listener too
    const sl = JSON.parse((await istioTs(['pc', 'listener', server.ref, '-o', 'json'])).stdout);
    expect(sl.map((l: { name: string }) => l.name)).toContain(`${server.ip}_${PORT}`);

    const route = await istioTs(['pc', 'route', client.ref, '--name', String(PORT)]);
    expect(route.code, route.stderr).toBe(0);
    expect(route.stdout).toContain(`reviews.${m.ns}.svc.cluster.local:${PORT}`);
    const rj = JSON.parse((await istioTs(['pc', 'route', client.ref, '--name', String(PORT), '-o', 'json'])).stdout);
    expect(JSON.stringify(rj)).toContain(outbound);

    const ep = await istioTs(['pc', 'endpoint', client.ref, '--cluster', outbound]);
    expect(ep.code, ep.stderr).toBe(0);
    expect(ep.stdout).toMatch(new RegExp(`^${server.ip.replace(/\./g, '\\.')}:${PORT} +HEALTHY +OK +${outbound.replace(/\|/g, '\\|').replace(/\./g, '\\.')}$`, 'm'));
  });

  it('proxy-config secret shows the SPIFFE certificate istiod signed for the pod, and no key', async () => {
    const r = await istioTs(['pc', 'secret', client.ref]);
    expect(r.code, r.stderr).toBe(0);
    const dflt = /^default +Cert Chain +ACTIVE +true +([0-9a-f]+) +(\S+) +(\S+)$/m.exec(r.stdout);
    expect(dflt, r.stdout).not.toBeNull();
    expect(r.stdout).toMatch(/^ROOTCA +CA +ACTIVE +true /m);
    const j = await istioTs(['pc', 'secret', client.ref, '-o', 'json']);
    expect(j.stdout).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    const dump = JSON.parse(j.stdout) as { dynamicActiveSecrets: { name: string; secret: { tlsCertificate?: { certificateChain: { inlineBytes: string }; privateKey: { inlineString?: string; inlineBytes?: string } } } }[] };
    const tls = dump.dynamicActiveSecrets.find((x) => x.name === 'default')!.secret.tlsCertificate!;
    // only Envoy's redaction marker, as a string or as bytes
    const key = tls.privateKey.inlineString ?? Buffer.from(tls.privateKey.inlineBytes ?? '', 'base64').toString('utf8');
    expect(key).toBe('[redacted]');
    // the certificate istio-ts shows is the one istiod's CA signed for this pod's service account
    const pem = Buffer.from(tls.certificateChain.inlineBytes, 'base64').toString('utf8');
    const leaf = new X509Certificate(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25));
    expect(leaf.subjectAltName).toBe(`URI:spiffe://cluster.local/ns/${m.ns}/sa/productpage`);
    expect(leaf.serialNumber.toLowerCase().replace(/^0+/, '')).toBe(dflt![1]!.replace(/^0+/, ''));
    expect(new Date(leaf.validTo).toISOString().replace('.000', '')).toBe(dflt![2]);
  });

  it('proxy-stats reads the real /stats, and --summary counts what the traffic produced', async () => {
    const r = await istioTs(['proxy-stats', client.ref, '--filter', '^listener_manager\\.lds\\.update_success$']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^listener_manager\.lds\.update_success: [1-9]\d*$/m);

    // 10 requests to reviews from the client: 7 answered 200, 3 answered 500.
    const cs = JSON.parse((await istioTs(['proxy-stats', client.ref, '--summary', '-o', 'json'])).stdout);
    const out = cs.clusters.find((c: { cluster: string }) => c.cluster === outbound);
    expect(out, JSON.stringify(cs)).toBeDefined();
    expect(out.hosts).toMatchObject({ total: 1, healthy: 1, rqTotal: 10, rqError: 3, cxConnectFail: 0 });
    // the server sidecar forwarded the same 10 to the app, on its inbound cluster
    const ss = JSON.parse((await istioTs(['proxy-stats', server.ref, '--summary', '-o', 'json'])).stdout);
    const inbound = ss.clusters.find((c: { cluster: string }) => c.cluster.startsWith(`inbound|${PORT}|`));
    expect(inbound, JSON.stringify(ss)).toBeDefined();
    expect(inbound.hosts).toMatchObject({ rqTotal: 10, rqError: 3 });

    const table = await istioTs(['proxy-stats', client.ref, '--summary']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(outbound);
  });
});
