// E2E of the data-plane commands on the loopback harness, through real port-forwards (API server
// → KWOK → the host istiod and the fake sidecar's Envoy-admin imitation): proxy-status lists the
// injected proxies SYNCED and shows ERROR for one that NACKs; version reads istiod and the data
// plane; proxy-config cluster/listener/route/endpoint and proxy-stats work on a live pod; an istiod
// that does not answer is reported while the others' results print.
//
// ISTIO_TS_BIN picks the CLI (default: <repo>/bin/istio-ts.js, i.e. the built dist/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, createNamespace, deployment, istioTs, kubectl, runningPods, service, waitFor } from './harness.js';




/** The table row of one proxy: NAME CLUSTER CDS LDS EDS RDS ECDS ISTIOD VERSION. */
function row(table: string, proxy: string): string[] | undefined {
  const line = table.split('\n').find((l) => l.startsWith(`${proxy} `));
  return line?.split(/ {2,}/);
}

/** The cell of a proxy's row under a column of the table's header ("SYNCED (12s)" in -v 1 tables). */
function cell(table: string, proxy: string, column: string): string | undefined {
  const header = table.split('\n')[0]!.split(/ {2,}/);
  return row(table, proxy)?.[header.indexOf(column)];
}

describe('data plane commands on a live mesh', () => {
  let ns: { name: string; cleanup: () => Promise<void> };
  let pods: string[];

  beforeAll(async () => {
    ns = await createNamespace('e2e-proxy', { 'istio-injection': 'enabled' });
    await apply(service('web'), ns.name);
    await apply(deployment('web', { replicas: 2 }), ns.name);
    pods = (await runningPods(ns.name, 'web', 2)).map((p) => p.metadata.name as string).sort();
  });
  afterAll(async () => {
    // Gone before the next suite starts: it is a second "istiod" pod (label app=istiod) in istio-system,
    // which suites that count istiod's pods (version's "1 pod") would see.
    await kubectl(['delete', 'pod', '-n', 'istio-system', 'istiod-silent', '--ignore-not-found', '--wait=true', '--timeout=60s'], undefined, 90_000).catch(() => undefined);
    await ns?.cleanup();
  });

  it('proxy-status lists every injected proxy SYNCED for CDS, LDS, EDS and RDS', async () => {
    const r = await waitFor('both proxies SYNCED', async () => {
      const x = await istioTs(['proxy-status', '-n', ns.name, '-v', '1']);
      const ok = pods.every((p) => ['CDS', 'LDS', 'EDS', 'RDS'].every((t) => cell(x.stdout, `${p}.${ns.name}`, t)?.startsWith('SYNCED')));
      return ok ? x : undefined;
    }, 90_000, 2000);
    expect(r.code).toBe(0);
    // -v 1: one column per type, in type URL order; ECDS the proxy does not watch is IGNORED.
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME +CLUSTER +CDS +ECDS +EDS +LDS +RDS( +[A-Z]+)* +ISTIOD +VERSION$/);
    expect(cell(r.stdout, `${pods[0]}.${ns.name}`, 'ECDS')).toBe('IGNORED');
    expect(row(r.stdout, `${pods[0]}.${ns.name}`)?.[1]).toBe('Kubernetes');
    // The default table is istioctl 1.31's: the types each proxy subscribes to.
    const short = await istioTs(['proxy-status', '-n', ns.name]);
    expect(short.stdout.split('\n')[0]).toMatch(/^NAME +CLUSTER +ISTIOD +VERSION +SUBSCRIBED TYPES$/);
    expect(cell(short.stdout, `${pods[0]}.${ns.name}`, 'SUBSCRIBED TYPES')).toMatch(/^\d+ \(CDS,LDS,EDS,RDS/);
    const json = JSON.parse((await istioTs(['ps', '-n', ns.name, '-o', 'json'])).stdout);
    expect(json.proxies.map((p: { proxy: string }) => p.proxy)).toEqual(pods.map((p) => `${p}.${ns.name}`));
  });

  it('version reads the control plane and counts the data plane', async () => {
    const r = await istioTs(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^client version: \S+ \(Istio \S+\)\ncontrol plane version: \S+\ndata plane version: \S+ \(\d+ prox(y|ies)\)/);
    const j = JSON.parse((await istioTs(['version', '-o', 'json'])).stdout);
    expect(j.meshVersion[0].Component).toBe('istiod');
    expect(j.dataPlaneVersion.map((p: { ID: string }) => p.ID)).toEqual(expect.arrayContaining(pods.map((p) => `${p}.${ns.name}`)));
  });

  it('proxy-config cluster, listener, route and endpoint read the live pod', async () => {
    const pod = `${pods[0]}.${ns.name}`;
    const cluster = await istioTs(['pc', 'cluster', pod, '--fqdn', `web.${ns.name}.svc.cluster.local`]);
    expect(cluster.stderr).toBe('');
    expect(cluster.stdout).toMatch(new RegExp(`web\\.${ns.name}\\.svc\\.cluster\\.local +8080 +- +outbound +EDS`));
    const listener = await istioTs(['pc', 'listener', pod, '--port', '15006']);
    expect(listener.code).toBe(0);
    expect(listener.stdout).toMatch(/15006/);
    const route = await istioTs(['pc', 'route', pod, '-o', 'json']);
    expect(route.code).toBe(0);
    expect(Array.isArray(JSON.parse(route.stdout))).toBe(true);
    // Both pods' endpoints reach the proxy by EDS after they became Ready: read until the second has
    // arrived (bounded; an endpoint that never arrives still fails below).
    const read = () => istioTs(['pc', 'endpoint', pod, '--cluster', `outbound|8080||web.${ns.name}.svc.cluster.local`]);
    let ep = await read();
    for (const deadline = Date.now() + 60_000; ep.code === 0 && ep.stdout.trim().split('\n').length < 3 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 1000));
      ep = await read();
    }
    expect(ep.code).toBe(0);
    expect(ep.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('proxy-stats reads the live pod', async () => {
    const r = await istioTs(['proxy-stats', `${pods[0]}.${ns.name}`, '--filter', 'cluster_manager\\.cds']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cluster_manager\.cds\.update_success: [1-9]/m);
  });

  it('proxy-stats -l: a pod that does not answer is reported while the others print', async () => {
    // An istio-proxy container the fake sidecar does not serve: the port-forward opens and
    // nothing answers on 15000, like a hung Envoy.
    await apply(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-hung', labels: { app: 'web', hung: 'yes' }, annotations: { 'sidecar.istio.io/inject': 'false' } },
        spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }, { name: 'istio-proxy', image: 'example.invalid/proxyv2:1' }] },
      },
      ns.name,
    );
    await waitFor('web-hung Running', async () => (await kubectl(['get', 'pod', 'web-hung', '-n', ns.name, '-o', 'jsonpath={.status.phase}'])) === 'Running', 90_000);
    const r = await istioTs(['proxy-stats', '-n', ns.name, '-l', 'app=web', '--filter', 'cluster_manager\\.cds\\.update_success', '--timeout', '3s']);
    for (const p of pods) expect(r.stdout).toContain(`${p}.${ns.name}:\ncluster_manager.cds.update_success: `);
    // Nothing serves 15000 in that pod: the kubelet says so on the port-forward's error stream
    // (reported at once), or, when something accepts and stays silent, the request times out.
    expect(r.stderr).toMatch(new RegExp(`^Error: web-hung\\.${ns.name}: .*(timed out after 3s|error forwarding port 15000)`, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    await kubectl(['delete', 'pod', 'web-hung', '-n', ns.name, '--wait=false']);
  });

  it('proxy-status <pod> compares istiod and Envoy', async () => {
    const r = await istioTs(['ps', `${pods[0]}.${ns.name}`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Clusters (Match|Don't Match)\n/);
    expect(r.stdout).toMatch(/\nListeners (Match|Don't Match)\n/);
    expect(r.stdout).toMatch(/\nRoutes (Match|Don't Match)/);
  });

  it('shows ERROR (with the NACK message) for a proxy that rejects a push', async () => {
    const victim = pods[1]!;
    await kubectl(['annotate', '-n', ns.name, `pod/${victim}`, 'fake-sidecar.istio-ts.dev/nack=LDS', '--overwrite']);
    // a new Service makes istiod push new listeners, which the fake sidecar rejects
    await apply(service('extra', 9090), ns.name);
    // The same push reaches the other proxy, which ACKs it: a read between that push and its ACK
    // shows it STALE. Wait for a read with the NACK and the other proxy's LDS settled.
    const r = await waitFor(`LDS ERROR for ${victim} and LDS SYNCED for ${pods[0]} in one proxy-status`, async () => {
      const x = await istioTs(['ps', '-n', ns.name, '-v', '1']);
      return cell(x.stdout, `${victim}.${ns.name}`, 'LDS')?.startsWith('ERROR') && cell(x.stdout, `${pods[0]}.${ns.name}`, 'LDS')?.startsWith('SYNCED') ? x : undefined;
    }, 90_000, 2000);
    expect(cell(r.stdout, `${pods[0]}.${ns.name}`, 'LDS')).toMatch(/^SYNCED/);
    expect(r.stdout).toContain(`Rejected by the proxy (NACK):\n  ${victim}.${ns.name} LDS: `);
    await kubectl(['annotate', '-n', ns.name, `pod/${victim}`, 'fake-sidecar.istio-ts.dev/nack-']);
  });

  it('an istiod that does not answer is reported while the others print', async () => {
    // A second "istiod" whose monitoring port (its prometheus.io/port annotation) nothing serves:
    // the harness forwards only 15010/15012/15014/15017/8080 of istio-system pods.
    await apply(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'istiod-silent', labels: { app: 'istiod', 'istio.io/rev': 'default' }, annotations: { 'prometheus.io/port': '15999' } },
        spec: { containers: [{ name: 'discovery', image: 'example.invalid/pilot:1' }] },
      },
      'istio-system',
    );
    await waitFor('istiod-silent Running', () => kubectl(['get', 'pod', '-n', 'istio-system', 'istiod-silent', '-o', 'jsonpath={.status.phase}']).then((p) => p === 'Running'), 60_000, 1000);
    const r = await istioTs(['ps', '-n', ns.name]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Error: istiod istiod-silent\.istio-system: /m);
    expect(row(r.stdout, `${pods[0]}.${ns.name}`)).toBeDefined();
    const v = await istioTs(['version']);
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(/istiod-silent/);
    expect(v.stdout).toMatch(/control plane version: /);
  });
});
