// E2E for install / uninstall / precheck on the loopback harness (scripts/harness.sh): a real
// kube-apiserver with KWOK pods, the real istiod on the host (it serves the URL webhooks at
// https://localhost:15017 that $HARNESS_INSTALL_FLAGS point at). The harness comes up with an
// istioctl-rendered minimal install of the default revision; these tests install over it with
// istio-ts (server-side apply takes those objects over), uninstall, and finally re-apply the
// harness's own manifest so later suites find the harness as it was.
//
// ISTIO_TS_BIN picks the CLI (default: <repo>/bin/istio-ts.js, i.e. the built dist/).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { harnessEnv, kubectl, kubectlJSON } from './harness.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = process.env.ISTIO_TS_BIN ?? join(repo, 'bin/istio-ts.js');
const MANAGED = 'install.istio-ts.dev/managed-by=istio-ts';
const KINDS = [
  'deployments',
  'daemonsets',
  'services',
  'configmaps',
  'serviceaccounts',
  'roles',
  'rolebindings',
  'horizontalpodautoscalers',
  'poddisruptionbudgets',
  'clusterroles',
  'clusterrolebindings',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'customresourcedefinitions',
];

interface Run {
  code: number;
  out: string;
  err: string;
  ms: number;
}

function istioTs(args: string[], timeoutMs = 600_000): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG, NO_COLOR: '1' }, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: stdout, err: stderr, ms: Date.now() - started }),
    );
  });
}

const installFlags = () => (harnessEnv().HARNESS_INSTALL_FLAGS ?? '').split(/\s+/).filter(Boolean);

/**
 * kind/ns/name@version of every object of the kinds install writes (all namespaces). For objects
 * istio-ts manages, the version is the time of its managedFields entry (the API server moves it
 * only when an apply changes something) plus metadata.generation where the kind has one;
 * resourceVersion would also move when controllers write status (the HPA controller does every
 * few seconds). Other objects: generation, else resourceVersion.
 */
const CLUSTER_NAMESPACES = new Set(['istio-system', 'default', 'kube-system', 'kube-public', 'kube-node-lease']);

async function snapshot(selector?: string): Promise<string[]> {
  const out: string[] = [];
  for (const k of KINDS) {
    // kubectl hides managedFields unless asked.
    const list = await kubectlJSON(['get', k, '-A', '--show-managed-fields', ...(selector ? ['-l', selector] : [])]);
    for (const o of list.items) {
      // Other suites' namespaces (e2e-*, dp-*, its0012-*, monitoring, …) are created and deleted
      // without waiting; their objects come and go while this suite runs and are none of install's
      // business. install writes cluster-scoped objects and objects in istio-system only, so those
      // (and the namespaces every cluster has) are what "unchanged" is checked on.
      const ns = o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace;
      if (ns !== undefined && !CLUSTER_NAMESPACES.has(ns)) continue;
      const ours = (o.metadata.managedFields ?? []).find((m: { manager?: string }) => m.manager === 'istio-ts');
      const v = ours ? `istio-ts ${ours.time}${o.metadata.generation !== undefined ? ` g${o.metadata.generation}` : ''}` : o.metadata.generation !== undefined ? `g${o.metadata.generation}` : o.metadata.resourceVersion;
      out.push(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}@${v}`);
    }
  }
  return out.sort();
}
const withoutVersions = (s: string[]) => s.map((x) => x.replace(/@[^@]*$/, ''));

const timings: Record<string, number> = {};
const counts: Record<string, number> = {};

afterAll(async () => {
  process.stderr.write(`[e2e install] wall times (ms): ${JSON.stringify(timings)}; objects per profile: ${JSON.stringify(counts)}\n`);
  // Remove whatever this suite left installed (a failed test stops half way), then put the
  // harness's own install back (what `harness.sh up` applied) for the suites after us.
  await istioTs(['uninstall', '-r', 'default', '-y']);
  const manifest = harnessManifest();
  if (existsSync(manifest)) await kubectl(['apply', '--server-side', '--force-conflicts', '-f', manifest], undefined, 180_000);
});

const harnessManifest = () => join(harnessEnv().HARNESS_DIR ?? '', 'istio-manifest.yaml');

describe('istio-ts on the harness', () => {
  it('precheck passes on the harness cluster', async () => {
    const r = await istioTs(['precheck', ...installFlags()]);
    expect(r.err).toBe('');
    // The harness runs Kubernetes 1.36, newer than Istio 1.28 was tested with: a warning, not a failure.
    expect(r.out).toMatch(/[✔‼] Kubernetes version is at least 1\.\d+/);
    expect(r.out).toMatch(/revision default is already installed by istioctl/);
    expect(r.out).toMatch(/✔ You may create and update every kind install writes/);
    expect(r.code).toBe(0);
  });

  it('refuses to take over the harness istioctl (1.31-dev) install in place, writing nothing', async () => {
    const before = await snapshot();
    const managedBefore = await snapshot(MANAGED);
    const r = await istioTs(['install', '-y', ...installFlags()]);
    // That istioctl's istiod Deployment selects pods with another selector; selectors are immutable.
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✘ Deployment\/istio-system\/istiod: .*field is immutable/);
    expect(r.err).toMatch(/refused 1 object\(s\) in a server-side dry run; nothing was applied/);
    expect(r.err).toMatch(/install a new revision next to it/);
    expect(await snapshot(MANAGED)).toEqual(managedBefore);
    expect(withoutVersions(await snapshot())).toEqual(withoutVersions(before));
    // Remove the harness's install except its CRDs (the host istiod keeps running and serves
    // the webhooks of whatever install follows); afterAll puts it back.
    const docs = parseAllDocuments(readFileSync(harnessManifest(), 'utf8'))
      .map((d) => d.toJS() as { kind?: string } | null)
      .filter((o): o is { kind?: string } => !!o && o.kind !== 'CustomResourceDefinition');
    await kubectl(['delete', '--ignore-not-found', '--wait=true', '-f', '-'], docs.map((d) => stringify(d)).join('---\n'), 180_000);
  });

  it('install default -y: every component Ready; objects carry the istio-ts labels', async () => {
    const r = await istioTs(['install', '-y', ...installFlags()]);
    timings.installDefault = r.ms;
    expect(r.err).toMatch(/✔ Istio core installed/);
    expect(r.err).toMatch(/✔ Istiod installed/);
    expect(r.err).toMatch(/✔ Ingress gateways installed/);
    expect(r.out).toMatch(/✔ Installation complete/);
    expect(r.code).toBe(0);
    counts.default = (await snapshot(MANAGED)).length;
    expect(counts.default).toBeGreaterThanOrEqual(35);
  });

  it('a second install reports no changes and writes nothing', async () => {
    const before = await snapshot(MANAGED);
    const r = await istioTs(['install', '-y', ...installFlags()]);
    timings.reinstallDefault = r.ms;
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/✔ No changes: all \d+ objects are up to date/);
    expect(await snapshot(MANAGED)).toEqual(before);
  });

  it('--dry-run of demo shows the changes and leaves the cluster unchanged', async () => {
    // Every installed object keeps its resourceVersion; no object appears or disappears.
    // (istiod's leader-election ConfigMaps change resourceVersion on their own, so the whole
    // cluster is compared by names only.)
    const managed = await snapshot(MANAGED);
    const all = withoutVersions(await snapshot());
    const r = await istioTs(['install', '--dry-run', '--set', 'profile=demo', ...installFlags()]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Dry run: .*profile "demo"/m);
    expect(r.out).toMatch(/\+ Deployment\/istio-system\/istio-egressgateway/);
    expect(r.out).toMatch(/- HorizontalPodAutoscaler\/istio-system\/istiod/);
    expect(await snapshot(MANAGED)).toEqual(managed);
    expect(withoutVersions(await snapshot())).toEqual(all);
  });

  it('install demo -y adds the egress gateway; leftovers of the default install are pruned', async () => {
    const r = await istioTs(['install', '-y', '--set', 'profile=demo', ...installFlags()]);
    timings.installDemo = r.ms;
    expect(r.err).toMatch(/✔ Egress gateways installed/);
    expect(r.code).toBe(0);
    const objs = withoutVersions(await snapshot(MANAGED));
    counts.demo = objs.length;
    expect(objs).toContain('Deployment/istio-system/istio-egressgateway');
    // demo has no HPAs: the default install's are pruned.
    expect(objs.some((o) => o.startsWith('HorizontalPodAutoscaler/'))).toBe(false);
  });

  it('a Deployment that cannot become Ready is reported with its pod and reason within the timeout', async () => {
    const r = await istioTs([
      'install',
      '-y',
      '--set',
      'profile=demo',
      '--set',
      'components.egressGateways[name:istio-egressgateway].k8s.nodeSelector.istio-ts-e2e=no-such-node',
      '--readiness-timeout',
      '20s',
      ...installFlags(),
    ]);
    timings.failingInstall = r.ms;
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/✘ Egress gateways not ready after 20s/);
    expect(r.err).toMatch(/pod istio-system\/istio-egressgateway-[a-z0-9]+-[a-z0-9]+: Unschedulable — 0\/\d+ nodes are available/);
    expect(r.err).toMatch(/FailedScheduling/);
    expect(r.ms).toBeLessThan(20_000 + 60_000);
    // Back to a healthy demo install.
    const fixed = await istioTs(['install', '-y', '--set', 'profile=demo', ...installFlags()]);
    expect(fixed.code).toBe(0);
  });

  it('uninstall -r default removes exactly what istio-ts installed (CRDs stay), nothing else', async () => {
    const managedBefore = withoutVersions(await snapshot(MANAGED));
    const all = withoutVersions(await snapshot());
    const others = all.filter((o) => !managedBefore.includes(o));
    const dry = await istioTs(['uninstall', '-r', 'default', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(withoutVersions(await snapshot(MANAGED))).toEqual(managedBefore);
    const r = await istioTs(['uninstall', '-r', 'default', '-y']);
    timings.uninstall = r.ms;
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/✔ Uninstall complete/);
    const left = withoutVersions(await snapshot(MANAGED));
    expect(left.every((o) => o.startsWith('CustomResourceDefinition/'))).toBe(true);
    expect(left).toEqual(managedBefore.filter((o) => o.startsWith('CustomResourceDefinition/')));
    // Objects istio-ts did not install are all still there.
    const after = withoutVersions(await snapshot());
    expect(others.filter((o) => !after.includes(o))).toEqual([]);
  });
});
