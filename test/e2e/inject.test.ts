// E2E for kube-inject and check-inject on the loopback harness (scripts/harness.sh): the real
// istiod serves the injection webhook, so a Deployment created in an istio-injection=enabled
// namespace gets its sidecar from istiod itself. kube-inject of the same Deployment (reading the
// cluster's istio-sidecar-injector and istio ConfigMaps, i.e. upstream's own templates rendered
// by our Go-template engine) must produce the same pod, field for field where it matters;
// check-inject must name the webhook that did it, and explain the namespace that is not injected.
//
// ISTIO_TS_BIN picks the CLI (default: <repo>/bin/istio-ts.js, i.e. the built dist/).
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { apply, createNamespace, deployment, harnessEnv, kubectlJSON, waitFor } from './harness.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = process.env.ISTIO_TS_BIN ?? join(repo, 'bin/istio-ts.js');

interface Run {
  code: number;
  out: string;
  err: string;
}

function istioTs(args: string[], input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG, NO_COLOR: '1' }, timeout: 120_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr }),
    );
    child.stdin?.end(input ?? '');
  });
}

type Obj = Record<string, any>;

/**
 * A pod spec without what the API server adds on create (defaulting and the service-account
 * admission plugin), so that the spec istiod's webhook produced and the one kube-inject printed
 * compare field for field: probe scheme and default thresholds/periods, fieldRef apiVersion, port protocol TCP,
 * imagePullPolicy, terminationMessage*, defaultMode, the kube-api-access-* token volume and mount,
 * and a source-less volume (which the server turns into emptyDir: {}).
 */
function normalized(spec: Obj): Obj {
  const s = structuredClone(spec);
  const container = (c: Obj): Obj => {
    delete c.terminationMessagePath;
    delete c.terminationMessagePolicy;
    delete c.imagePullPolicy;
    c.volumeMounts = (c.volumeMounts ?? []).filter((m: Obj) => !String(m.name).startsWith('kube-api-access-'));
    if (c.volumeMounts.length === 0) delete c.volumeMounts;
    for (const p of c.ports ?? []) if (p.protocol === 'TCP') delete p.protocol;
    for (const e of c.env ?? []) {
      if (e.valueFrom?.fieldRef) delete e.valueFrom.fieldRef.apiVersion;
      // The webhook sees the pod after defaulting (ports get protocol TCP); kube-inject, like
      // istioctl's, renders the manifest as written.
      if (e.name === 'ISTIO_META_POD_PORTS') e.value = e.value.replace(/,"protocol":"TCP"}/g, '}');
    }
    for (const k of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      if (!c[k]) continue;
      delete c[k].successThreshold;
      c[k].timeoutSeconds ??= 1;
      c[k].periodSeconds ??= 10;
      c[k].failureThreshold ??= 3;
      if (c[k].httpGet?.scheme === 'HTTP') delete c[k].httpGet.scheme;
    }
    if (c.resources && Object.keys(c.resources).length === 0) delete c.resources;
    return c;
  };
  const volume = (v: Obj): Obj => {
    if (Object.keys(v).length === 1) v.emptyDir = {};
    for (const k of ['configMap', 'secret', 'projected', 'downwardAPI']) if (v[k]) delete v[k].defaultMode;
    for (const i of v.downwardAPI?.items ?? []) if (i.fieldRef) delete i.fieldRef.apiVersion;
    return v;
  };
  return {
    initContainers: (s.initContainers ?? []).map(container),
    containers: (s.containers ?? []).map(container),
    volumes: (s.volumes ?? []).filter((v: Obj) => !String(v.name).startsWith('kube-api-access-')).map(volume),
  };
}

describe('injection on a real istiod', () => {
  let enabled: { name: string; cleanup: () => Promise<void> };
  let plain: { name: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    enabled = await createNamespace('e2e-inject', { 'istio-injection': 'enabled' });
    plain = await createNamespace('e2e-noinject');
  }, 120_000);
  afterAll(async () => {
    await enabled?.cleanup();
    await plain?.cleanup();
  });

  it('kube-inject with the cluster settings gives the pod istiod injects', async () => {
    const dep = deployment('orders', { port: 8080 });
    await apply(dep, enabled.name);
    const pod = await waitFor(
      'an orders pod',
      async () => (await kubectlJSON(['get', 'pods', '-n', enabled.name, '-l', 'app=orders'])).items[0],
      90_000,
    );
    expect(pod.metadata.annotations['sidecar.istio.io/status']).toBeDefined();

    const manifest = JSON.stringify({ ...dep, metadata: { name: 'orders', namespace: enabled.name } });
    const r = await istioTs(['kube-inject', '-f', '-'], manifest);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^using injection settings from ConfigMap istio-system\/istio-sidecar-injector and ConfigMap istio-system\/istio\n/);
    const [injected] = parseAllDocuments(r.out).map((d) => d.toJS() as Obj);
    expect(normalized(injected!.spec.template.spec)).toEqual(normalized(pod.spec));
    // The pod metadata istiod writes: labels (minus the ReplicaSet's hash) and annotations.
    const { 'pod-template-hash': _hash, ...podLabels } = pod.metadata.labels;
    expect(injected!.spec.template.metadata.labels).toEqual(podLabels);
    const { 'sidecar.istio.io/status': ourStatus, ...ourAnnotations } = injected!.spec.template.metadata.annotations;
    const { 'sidecar.istio.io/status': podStatus, ...podAnnotations } = pod.metadata.annotations;
    expect(ourAnnotations).toEqual(podAnnotations);
    // Same status annotation apart from the version hash.
    const status = (s: string) => {
      const o = JSON.parse(s);
      delete o.version;
      return o;
    };
    expect(status(ourStatus)).toEqual(status(podStatus));
  }, 180_000);

  const templated: { template: string; container: Obj }[] = [
    { template: 'gateway', container: { name: 'istio-proxy', image: 'auto', ports: [{ name: 'https', containerPort: 8443 }] } },
    { template: 'grpc-agent', container: { name: 'app', image: 'example.invalid/app:1', env: [{ name: 'LOG', value: 'debug' }], ports: [{ name: 'grpc', containerPort: 50051 }] } },
    { template: 'grpc-simple', container: { name: 'app', image: 'example.invalid/app:1', readinessProbe: { httpGet: { path: '/ready', port: 8080 } } } },
  ];
  for (const t of templated) {
    it(`inject.istio.io/templates: ${t.template} — kube-inject equals the webhook`, async () => {
      const name = `w-${t.template}`;
      const dep = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: enabled.name },
        spec: {
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name, version: 'v1' }, annotations: { 'inject.istio.io/templates': t.template } }, spec: { containers: [t.container] } },
        },
      };
      await apply(dep);
      const pod = await waitFor(`a ${name} pod`, async () => (await kubectlJSON(['get', 'pods', '-n', enabled.name, '-l', `app=${name}`])).items[0], 90_000);
      const r = await istioTs(['kube-inject', '-f', '-'], JSON.stringify(dep));
      expect(r.code, r.err).toBe(0);
      const [injected] = parseAllDocuments(r.out).map((d) => d.toJS() as Obj);
      expect(normalized(injected!.spec.template.spec)).toEqual(normalized(pod.spec));
      expect(Object.keys(injected!.spec.template.metadata.annotations).sort()).toEqual(Object.keys(pod.metadata.annotations).sort());
    }, 120_000);
  }

  it('check-inject names the webhook that injected the running pod', async () => {
    const pod = (await kubectlJSON(['get', 'pods', '-n', enabled.name, '-l', 'app=orders'])).items[0];
    const r = await istioTs(['check-inject', `${pod.metadata.name}.${enabled.name}`, '-o', 'json']);
    expect(r.code, r.err).toBe(0);
    const [report] = JSON.parse(r.out);
    expect(report.current).toEqual({ injected: true, revision: 'default' });
    expect(report.injectedBy).toHaveLength(1);
    const v = report.webhooks.find((w: Obj) => w.injected);
    expect(v).toMatchObject({ revision: 'default', rule: 'webhook-selectors', reason: 'Namespace label istio-injection=enabled matches' });
  }, 60_000);

  it('an unlabeled namespace: check-inject explains, and istiod indeed does not inject', async () => {
    await apply(deployment('batch'), plain.name);
    const pod = await waitFor('a batch pod', async () => (await kubectlJSON(['get', 'pods', '-n', plain.name, '-l', 'app=batch'])).items[0], 90_000);
    expect(pod.spec.containers.map((c: Obj) => c.name)).toEqual(['app']);
    const r = await istioTs(['check-inject', 'deployment/batch', '-n', plain.name]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^WEBHOOK +REVISION +INJECTED +REASON$/m);
    expect(r.out).not.toContain('✔');
    expect(r.out).toMatch(/No matching namespace labels \(.*istio-injection=enabled.*\) or pod labels \(.*sidecar\.istio\.io\/inject=true.*\)/);
  }, 120_000);
});
