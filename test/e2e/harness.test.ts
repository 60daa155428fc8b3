// E2E tests of the harness itself: the KWOK cluster, port-forward through KWOK, the real
// istiod (injection webhook, xDS) and the fake sidecar's Envoy-admin imitation.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  createNamespace,
  deployment,
  getViaPortForward,
  kubectl,
  kubectlJSON,
  portForward,
  runningPods,
  service,
  waitFor,
} from './harness.js';

async function istiodPod(): Promise<string> {
  const pods = await runningPods('istio-system', 'istiod', 1);
  return pods[0].metadata.name as string;
}

async function syncz(): Promise<any[]> {
  const r = await getViaPortForward('istio-system', `pod/${await istiodPod()}`, 15014, '/debug/syncz');
  expect(r.status).toBe(200);
  return JSON.parse(r.body);
}

describe('cluster', () => {
  it('has the KWOK node Ready, addressed only as localhost', async () => {
    const node = await kubectlJSON(['get', 'node', 'kwok-node-0']);
    const ready = node.status.conditions.find((c: any) => c.type === 'Ready');
    expect(ready.status).toBe('True');
    expect(node.status.addresses).toEqual([{ type: 'Hostname', address: 'localhost' }]);
  });

  it('runs a Deployment to Running pods', async () => {
    const ns = await createNamespace('e2e-deploy');
    try {
      await apply(deployment('web', { replicas: 2 }), ns.name);
      const pods = await runningPods(ns.name, 'web', 2);
      expect(pods.map((p) => p.spec.nodeName)).toEqual(['kwok-node-0', 'kwok-node-0']);
    } finally {
      await ns.cleanup();
    }
  });

  describe('port-forward through KWOK', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((req, res) => res.end(`hello from loopback ${req.url}`));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('reaches a loopback server via a per-pod PortForward', async () => {
      const ns = await createNamespace('e2e-pf');
      try {
        await apply(deployment('echo'), ns.name);
        const [pod] = await runningPods(ns.name, 'echo', 1);
        await apply({
          apiVersion: 'kwok.x-k8s.io/v1alpha1',
          kind: 'PortForward',
          metadata: { name: pod.metadata.name, namespace: ns.name },
          spec: { forwards: [{ ports: [8080], target: { address: '127.0.0.1', port } }] },
        });
        const r = await waitFor('port-forward response', () =>
          getViaPortForward(ns.name, `pod/${pod.metadata.name}`, 8080, '/ping').then((x) => (x.status === 200 ? x : undefined)),
        30_000, 1000);
        expect(r.body).toBe('hello from loopback /ping');
      } finally {
        await ns.cleanup();
      }
    });
  });
});

describe('istiod on the host', () => {
  it('is reachable by port-forward to its pod', async () => {
    const r = await getViaPortForward('istio-system', `pod/${await istiodPod()}`, 8080, '/ready');
    expect(r.status).toBe(200);
  });

  it('serves its log as the istiod pod\'s discovery container log', async () => {
    const logs = await kubectl(['logs', '-n', 'istio-system', await istiodPod(), '-c', 'discovery', '--tail', '2000']);
    expect(logs).toMatch(/\tinfo\t/);
  });

  it('connects gateway pods (istio-proxy running `proxy router`) as routers', async () => {
    const ns = await createNamespace('e2e-gw');
    try {
      const gw: any = deployment('gw');
      gw.spec.template.spec.containers = [{ name: 'istio-proxy', image: 'example.invalid/proxyv2:1', args: ['proxy', 'router', '--domain', 'cluster.local'] }];
      await apply(gw, ns.name);
      const [pod] = await runningPods(ns.name, 'gw', 1);
      const entry = await waitFor('router in syncz', async () =>
        (await syncz()).find((s) => s.proxy === `${pod.metadata.name}.${ns.name}` && s.cluster_acked), 60_000, 1000);
      expect(entry.proxy_type).toBe('router');
    } finally {
      await ns.cleanup();
    }
  });

  describe('with an injected workload', () => {
    let ns: { name: string; cleanup: () => Promise<void> };
    let pod: any;
    let proxyID: string;

    beforeAll(async () => {
      ns = await createNamespace('e2e-mesh', { 'istio-injection': 'enabled' });
      await apply(service('httpbin'), ns.name);
      await apply(deployment('httpbin'), ns.name);
      [pod] = await runningPods(ns.name, 'httpbin', 1);
      proxyID = `${pod.metadata.name}.${ns.name}`;
    });
    afterAll(async () => {
      await ns?.cleanup();
    });

    it('was injected by the real istiod webhook', () => {
      expect(pod.metadata.annotations['sidecar.istio.io/status']).toBeTruthy();
      const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c: any) => c.name);
      expect(names).toContain('istio-proxy');
    });

    it('is listed in /debug/syncz with CDS/LDS/EDS/RDS acked', async () => {
      const entry = await waitFor('synced proxy in syncz', async () => {
        const e = (await syncz()).find((s) => s.proxy === proxyID);
        if (!e) return undefined;
        const ok = ['cluster', 'listener', 'endpoint', 'route'].every((t) => e[`${t}_sent`] && e[`${t}_sent`] === e[`${t}_acked`]);
        return ok ? e : undefined;
      }, 60_000, 1000);
      expect(entry.proxy_type).toBe('sidecar');
      expect(entry.cluster_id).toBe('Kubernetes');
    });

    it('serves a config_dump with the listeners and clusters istiod pushed', async () => {
      const target = `pod/${pod.metadata.name}`;
      const dump = await waitFor('config_dump with dynamic config', async () => {
        const r = await getViaPortForward(ns.name, target, 15000, '/config_dump');
        const d = JSON.parse(r.body);
        const clusters = d.configs.find((c: any) => c['@type'].endsWith('ClustersConfigDump'));
        return clusters?.dynamic_active_clusters?.length ? d : undefined;
      }, 60_000, 1000);
      const types = dump.configs.map((c: any) => c['@type'].split('.').pop());
      expect(types).toEqual(['BootstrapConfigDump', 'ClustersConfigDump', 'ListenersConfigDump', 'ScopedRoutesConfigDump', 'RoutesConfigDump', 'SecretsConfigDump']);
      const clusters = dump.configs[1].dynamic_active_clusters.map((c: any) => c.cluster.name);
      expect(clusters).toContain(`outbound|8080||httpbin.${ns.name}.svc.cluster.local`);
      expect(clusters).toContain('PassthroughCluster');
      const listeners = dump.configs[2].dynamic_listeners.map((l: any) => l.name);
      expect(listeners).toEqual(expect.arrayContaining(['virtualOutbound', 'virtualInbound']));
      expect(dump.configs[0].bootstrap.node.id).toBe(`sidecar~${pod.status.podIP}~${proxyID}~${ns.name}.svc.cluster.local`);
      expect(dump.configs[5].dynamic_active_secrets.map((s: any) => s.name)).toEqual(['default', 'ROOTCA']);

      const eds = JSON.parse((await getViaPortForward(ns.name, target, 15000, '/config_dump?include_eds')).body);
      expect(eds.configs.at(-1)['@type']).toBe('type.googleapis.com/envoy.admin.v3.EndpointsConfigDump');

      const res = JSON.parse((await getViaPortForward(ns.name, target, 15000, '/config_dump?resource=dynamic_active_clusters&mask=cluster.name')).body);
      expect(res.configs.length).toBe(clusters.length);
      expect(res.configs[0]['@type']).toBe('type.googleapis.com/envoy.admin.v3.ClustersConfigDump.DynamicCluster');
      expect(Object.keys(res.configs[0].cluster)).toEqual(['name']);
    });

    it('serves /clusters, /stats, /server_info and /logging', async () => {
      const target = `pod/${pod.metadata.name}`;
      const pf = await portForward(ns.name, target, 15000);
      try {
        const get = async (path: string, init?: RequestInit) => {
          const r = await fetch(`http://127.0.0.1:${pf.localPort}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
          return { status: r.status, body: await r.text() };
        };
        // The pod's own endpoint reaches its proxy by EDS after the pod became Ready: wait for it.
        const ownCluster = `outbound|8080||httpbin.${ns.name}.svc.cluster.local`;
        const clusters = await waitFor(`${ownCluster} with an endpoint in /clusters`, async () => {
          const c = JSON.parse((await get('/clusters?format=json')).body);
          return c.cluster_statuses.find((x: any) => x.name === ownCluster)?.host_statuses?.length ? c : undefined;
        }, 60_000, 1000);
        const own = clusters.cluster_statuses.find((c: any) => c.name === ownCluster);
        expect(own.host_statuses[0].address.socket_address.address).toBe(pod.status.podIP);
        expect((await get('/stats')).body).toMatch(/^cluster_manager\.cds\.update_success: [1-9]/m);
        expect((await get('/stats/prometheus')).body).toContain('# TYPE envoy_cluster_manager_cds_update_success counter');
        const info = JSON.parse((await get('/server_info')).body);
        expect(info.state).toBe('LIVE');
        expect(info.node.id).toContain(proxyID);
        const certs = JSON.parse((await get('/certs')).body);
        expect(certs.certificates[0].cert_chain[0].subject_alt_names[0].uri).toBe(`spiffe://cluster.local/ns/${ns.name}/sa/default`);
        expect((await get('/logging')).body).toContain('active loggers:');
        const set = await get('/logging?level=debug', { method: 'POST' });
        expect(set.status).toBe(200);
        expect(set.body).toMatch(/ {2}router: debug/);
      } finally {
        pf.close();
      }
    });

    it('shows the proxy log via kubectl logs -c istio-proxy', async () => {
      const logs = await waitFor('istio-proxy logs', () =>
        kubectl(['logs', '-n', ns.name, pod.metadata.name, '-c', 'istio-proxy']).then((l) => (l.includes('xDS stream opened') ? l : undefined)),
      30_000, 1000);
      expect(logs).toContain('fake Envoy');
    });

    it('NACKs on demand (pod annotation)', async () => {
      await kubectl(['annotate', '-n', ns.name, `pod/${pod.metadata.name}`, 'fake-sidecar.istio-ts.dev/nack=LDS', '--overwrite']);
      // a new Service makes istiod push new listeners, which the fake rejects
      await apply(service('extra', 9090), ns.name);
      // The NACK is per type: LDS stays un-acked while CDS is acked. A CDS push can be in flight
      // (sent, its ACK not yet back) at the moment syncz is read, so wait for a snapshot in which
      // CDS has settled; a CDS that never gets acked still fails here.
      const entry = await waitFor('listener NACK with CDS acked in syncz', async () => {
        const e = (await syncz()).find((s) => s.proxy === proxyID);
        return e && e.listener_sent && e.listener_sent !== e.listener_acked && e.cluster_sent === e.cluster_acked ? e : undefined;
      }, 60_000, 1000);
      expect(entry.listener_sent).not.toBe(entry.listener_acked);
      expect(entry.cluster_sent).toBe(entry.cluster_acked);
      const stats = await getViaPortForward(ns.name, `pod/${pod.metadata.name}`, 15000, '/stats?filter=lds');
      expect(stats.body).toMatch(/listener_manager\.lds\.update_rejected: [1-9]/);
      await kubectl(['annotate', '-n', ns.name, `pod/${pod.metadata.name}`, 'fake-sidecar.istio-ts.dev/nack-']);
    });
  });
});
