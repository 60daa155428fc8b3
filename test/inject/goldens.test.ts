import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { injectText } from '../../src/inject/inject.js';
import { buildSettings, type SettingsInput } from '../../src/inject/settings.js';

const dir = new URL('../../fixtures/inject/', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Case {
  name: string;
  input: string;
  /** Golden file name beside the input; defaults to `<input>.injected`. */
  golden?: string;
  settings?: SettingsInput;
  warnings?: RegExp[];
  injected: number;
}

const cases: Case[] = [
  { name: 'Deployment (and its Service passes through)', input: 'deployment.yaml', injected: 1 },
  { name: 'StatefulSet', input: 'statefulset.yaml', injected: 1 },
  { name: 'DaemonSet', input: 'daemonset.yaml', injected: 1 },
  { name: 'ReplicaSet', input: 'replicaset.yaml', injected: 1 },
  { name: 'Job', input: 'job.yaml', injected: 1 },
  { name: 'CronJob', input: 'cronjob.yaml', injected: 1 },
  { name: 'Pod', input: 'pod.yaml', injected: 1 },
  { name: 'ReplicationController', input: 'replicationcontroller.yaml', injected: 1 },
  { name: 'DeploymentConfig', input: 'deploymentconfig.yaml', injected: 1 },
  { name: 'List items', input: 'list.yaml', injected: 1 },
  { name: 'proxy resource annotations', input: 'annotations-resources.yaml', injected: 1 },
  { name: 'interception annotations (TPROXY, excludes)', input: 'annotations-traffic.yaml', injected: 1 },
  { name: 'proxy.istio.io/config and nativeSidecar=false', input: 'annotations-proxy-config.yaml', injected: 1 },
  {
    name: 'inject=false, hostNetwork and kube-system are skipped with warnings',
    input: 'annotations-skip.yaml',
    injected: 0,
    warnings: [
      /^===> Skipping injection because Deployment "shop\/batch-exporter" has sidecar injection disabled$/,
      /^===> Skipping injection because DaemonSet "monitoring\/node-agent" has host networking enabled$/,
      /^===> Skipping injection because Deployment "kube-system\/coredns-helper" has sidecar injection disabled$/,
    ],
  },
  { name: 'probe rewrite and Prometheus merge', input: 'probes-prometheus.yaml', injected: 1 },
  { name: 'service.istio.io/workload-name renames the workload, two ports in ISTIO_META_POD_PORTS', input: 'workload-name.yaml', injected: 1 },
  {
    name: 'Multus CNI: istio-cni appended to a JSON network list, long annotation folded as go-yaml does',
    input: 'multus-networks.yaml',
    injected: 1,
    settings: { sets: ['components.cni.enabled=true', 'values.cni.provider=multus'] },
  },
  { name: 'gateway template (istio-proxy as the router, user resources kept)', input: 'gateway.yaml', injected: 1 },
  { name: 'grpc-agent template (agent without Envoy, app containers get the bootstrap)', input: 'grpc-agent.yaml', injected: 1 },
  { name: 'grpc-simple template (bootstrap init container, probes left alone)', input: 'grpc-simple.yaml', injected: 1 },
  {
    name: 'CNI, network, revision and log level from --set',
    input: 'deployment.yaml',
    golden: 'deployment.yaml.cni-revision.injected',
    injected: 1,
    settings: {
      sets: ['components.cni.enabled=true', 'values.global.network=net-east', 'values.global.proxy.logLevel=debug'],
      revision: 'canary',
    },
  },
  {
    name: 'regular (non-native) sidecar container',
    input: 'deployment.yaml',
    golden: 'deployment.yaml.no-native.injected',
    injected: 1,
    settings: { nativeSidecars: 'false' },
  },
];

describe('kube-inject goldens (fixtures/inject)', () => {
  it('has no duplicate rows', () => {
    const keys = cases.map((c) => c.golden ?? c.input);
    expect(new Set(keys).size).toBe(keys.length);
  });

  for (const c of cases) {
    it(c.name, () => {
      const input = readFileSync(new URL(c.input, dir), 'utf8');
      const res = injectText(input, buildSettings({ env: {}, nativeSidecars: 'true', ...c.settings }));
      expect(res.injected).toBe(c.injected);
      expect(res.warnings.length).toBe(c.warnings?.length ?? 0);
      (c.warnings ?? []).forEach((re, i) => expect(res.warnings[i]).toMatch(re));
      // Every output document must be valid YAML.
      for (const d of parseAllDocuments(res.text)) expect(d.errors).toEqual([]);
      const goldenURL = new URL(c.golden ?? `${c.input}.injected`, dir);
      if (UPDATE || !existsSync(goldenURL)) {
        if (!UPDATE) throw new Error(`missing golden ${goldenURL.pathname}; run with UPDATE_GOLDEN=1`);
        writeFileSync(goldenURL, res.text);
      }
      expect(res.text).toBe(readFileSync(goldenURL, 'utf8'));
    });
  }

  // istioctl kube-inject injects an injected workload again (stripPod + reapply): the result is the
  // same as the first injection, as upstream's idempotency check requires.
  for (const c of cases.filter((x) => x.injected > 0)) {
    it(`re-injecting the output is idempotent: ${c.name}`, () => {
      const once = injectText(readFileSync(new URL(c.input, dir), 'utf8'), buildSettings({ env: {}, nativeSidecars: 'true', ...c.settings }));
      const twice = injectText(once.text, buildSettings({ env: {}, nativeSidecars: 'true', ...c.settings }));
      expect(twice.warnings).toEqual([]);
      expect(twice.injected).toBe(c.injected);
      expect(twice.text).toBe(once.text);
    });
  }
});
