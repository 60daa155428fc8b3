// diagnose on the real API server with StatefulSet pods (KWOK) selected per pod by Sidecars
// (`statefulset.kubernetes.io/pod-name`), and a ServiceEntry host as TO.
//
// A capture holds only the pods of the path. A Sidecar for another pod of the namespace
// (web-2) used to be analyzed against that partial pod list and reported as IST0101 "selector
// not found", which then made the verdict "client-sidecar": the pod exists and has the label.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEvidence as all, apply, createNamespace, istioTs, kubectlJSON, waitFor, type DiagnosisJSON as Diagnosis } from './harness.js';


describe('diagnose: workload selectors and ServiceEntry hosts on a live cluster', () => {
  let ns = '';
  let cleanup: () => Promise<void> = async () => undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    const n = await createNamespace('diag-sel', { 'istio-injection': 'enabled' });
    ns = n.name;
    cleanup = n.cleanup;
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 9080 }] } }, ns);
    await apply(
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web' },
        spec: { serviceName: 'web', replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'example.invalid/web:1', ports: [{ name: 'http', containerPort: 9080 }] }] } } },
      },
      ns,
    );
    for (const pod of ['web-0', 'web-1', 'web-2']) {
      await apply({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: pod }, spec: { workloadSelector: { labels: { 'statefulset.kubernetes.io/pod-name': pod } }, egress: [{ hosts: ['./*'] }] } }, ns);
    }
    await apply({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'web-internal' }, spec: { hosts: ['web.internal'], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 9080, name: 'http', protocol: 'HTTP' }], workloadSelector: { labels: { 'statefulset.kubernetes.io/pod-name': 'web-2' } } } }, ns);
    await waitFor('3 running web pods with their pod-name label', async () => {
      const list = await kubectlJSON<{ items: { metadata: { labels?: Record<string, string> }; status: { phase?: string } }[] }>(['get', 'pods', '-n', ns, '-l', 'app=web']);
      const ok = list.items.filter((p) => p.status.phase === 'Running' && p.metadata.labels?.['statefulset.kubernetes.io/pod-name']);
      return ok.length === 3;
    }, 120_000);
  });

  afterAll(async () => {
    await cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a Sidecar selecting a pod off the path (by statefulset.kubernetes.io/pod-name) is not a finding', async () => {
    // The analyzer itself agrees the Sidecars are fine: every one selects a running pod.
    const analyze = await istioTs(['analyze', '-k', '-n', ns, '-o', 'json']);
    expect(JSON.stringify(JSON.parse(analyze.stdout || '[]'))).not.toContain('IST0101');
    const run = await waitFor('live diagnose web-0 → web-1 with both sidecars synced', async () => {
      const r = await istioTs(['diagnose', `web-0.${ns}`, `pod/web-1.${ns}`, '-o', 'json']);
      const d = JSON.parse(r.stdout) as Diagnosis;
      return d.segments.find((s) => s.name === 'control-plane')?.status === 'ok' ? { r, d } : undefined;
    }, 120_000, 2000);
    const findings = all(run.d).filter((e) => e.id.startsWith('analyzer.') && e.id !== 'analyzer.clean');
    expect(findings, run.d.verdict.summary).toEqual([]);
    expect(run.d.segments.find((s) => s.name === 'client-sidecar')?.status).not.toBe('fault');
    expect(run.d.verdict.segment).not.toBe('client-sidecar');
  });

  it('TO may be a ServiceEntry host: the pod its workloadSelector picks is the server', async () => {
    const dir = join(mkdtempSync(join(os.tmpdir(), 'istio-ts-e2e-se-')), 'capture');
    dirs.push(join(dir, '..'));
    const capture = await istioTs(['capture', `web-0.${ns}`, 'web.internal:9080', '-d', dir]);
    expect(capture.code, capture.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cluster/istio.yaml'), 'utf8')).toContain('web.internal');
    const pods = readFileSync(join(dir, 'cluster/pods.yaml'), 'utf8');
    expect(pods).toContain('name: web-2\n');
    expect(pods).not.toContain('name: web-1\n');
    const offline = await istioTs(['diagnose', '--capture', dir, '-o', 'json']);
    expect(offline.stderr).toBe('');
    const d = JSON.parse(offline.stdout) as Diagnosis;
    const ids = all(d).map((e) => e.id);
    expect(ids).not.toContain('pod.service-not-found');
    // The entry's one selected pod is the server, and its sidecar was read.
    expect(all(d).filter((e) => e.id === 'injection.present' && e.segment === 'server-sidecar').map((e) => e.summary)).toEqual([expect.stringContaining(`server pod web-2.${ns}`)]);
    expect(all(d).some((e) => e.segment === 'server-sidecar' && e.source.startsWith(`proxies/${ns}/web-2/`))).toBe(true);
  });
});
