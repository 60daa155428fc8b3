// E2E for revision tags on the loopback harness: the real kube-apiserver and the real istiod
// (installed by the pinned istioctl as revision "default"), with the real istioctl of the same
// build as the reference for `tag generate` and `tag list`.
//
//  1. tag generate prints what istioctl prints (but the chart version labels: istio-ts renders
//     its own chart version); tag set writes it; a pod in a namespace labelled istio.io/rev=<tag>
//     is injected by istiod through the tag's webhook; --overwrite moves it; remove asks first
//     when namespaces still use the tag.
//  2. A control plane installed as our first user does, with helm (built from the helm.sh/helm/v4
//     module the pinned istio module requires, test/e2e/helm/build.sh) and Istio's own charts from
//     that module: istio-base with defaultRevision=1-20-2 and istiod-1-20-2 with revision 1-20-2.
//     tag set/list/generate, version, precheck and uninstall recognise it. The harness runs one
//     istiod process (revision default), so the helm revision's pods are KWOK pods and nothing
//     is injected through it; its objects are what the commands read.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { apply, createNamespace, deployment, harnessEnv, injectsWith, istioTs, kubectl, kubectlJSON, runningPods, waitFor } from './harness.js';

const execFileP = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type Obj = Record<string, any>;

async function istioctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const p = execFileP(join(harnessEnv().HARNESS_BIN!, 'istioctl'), args, { env: { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG }, timeout: 120_000, maxBuffer: 64 << 20 });
    // No terminal: a prompt (tag set's "Apply anyways?") reads EOF and declines.
    p.child.stdin?.end();
    const r = await p;
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** The documents of `tag generate`, without the labels that name the chart version that rendered them. */
function withoutChartVersion(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => {
    const o = d.toJS() as Obj;
    delete o.metadata.labels['app.kubernetes.io/version'];
    delete o.metadata.labels['helm.sh/chart'];
    return o;
  });
}

describe('revision tags against istiod and istioctl (revision default)', () => {
  let ns: { name: string; cleanup: () => Promise<void> } | undefined;
  afterAll(async () => {
    await istioTs(['tag', 'remove', 'e2e-tagsuite', '-y']);
    await ns?.cleanup();
  });

  it('tag generate prints what istioctl prints', async () => {
    const ours = await istioTs(['tag', 'generate', 'e2e-tagsuite', '--revision', 'default']);
    const theirs = await istioctl(['tag', 'generate', 'e2e-tagsuite', '--revision', 'default']);
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    expect(theirs.code).toBe(0);
    expect(withoutChartVersion(ours.stdout)).toEqual(withoutChartVersion(theirs.stdout));
    // Same layout too: sorted keys, documents joined by a blank line and "---".
    expect(ours.stdout.replace(/(app\.kubernetes\.io\/version: |helm\.sh\/chart: istiod-)\S+/g, '$1V')).toBe(theirs.stdout.replace(/(app\.kubernetes\.io\/version: |helm\.sh\/chart: istiod-)\S+/g, '$1V'));
  });

  it('tag set, list (as istioctl lists it), injection through the tag, --overwrite, remove', async () => {
    const set = await istioTs(['tag', 'set', 'e2e-tagsuite', '-r', 'default']);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Revision tag "e2e-tagsuite" created, referencing control plane revision "default".');
    ns = await createNamespace('e2e-tag', { 'istio.io/rev': 'e2e-tagsuite' });

    for (const o of [[], ['-o', 'json']]) {
      const ours = await istioTs(['tag', 'list', ...o]);
      const theirs = await istioctl(['tag', 'list', ...o]);
      expect(ours.code).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
    }
    expect((await istioTs(['tag', 'list'])).stdout).toMatch(new RegExp(`^e2e-tagsuite +default +${ns.name}$`, 'm'));

    // istiod injects the pod: the API server called the tag's webhook (once the API server has the
    // new webhook configuration: created just now).
    await injectsWith(ns.name, 'default');
    await apply(deployment('web'), ns.name);
    const [pod] = await runningPods(ns.name, 'web', 1);
    expect(JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']).revision).toBe('default');
    expect([...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c: Obj) => c.name)).toContain('istio-proxy');

    const again = await istioTs(['tag', 'set', 'e2e-tagsuite', '-r', 'default']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('revision tag "e2e-tagsuite" already exists, and --overwrite is false');
    expect((await istioTs(['tag', 'set', 'e2e-tagsuite', '-r', 'default', '--overwrite'])).code).toBe(0);

    // A namespace still uses the tag: without a terminal to ask, remove refuses (usage error).
    const asked = await istioTs(['tag', 'remove', 'e2e-tagsuite']);
    expect(asked.code).toBe(64);
    expect(asked.stderr).toContain('refusing to change the cluster without confirmation');
    const removed = await istioTs(['tag', 'remove', 'e2e-tagsuite', '-y']);
    expect(removed.stdout).toBe('Revision tag e2e-tagsuite removed\n');
    expect((await istioctl(['tag', 'list'])).stdout).not.toContain('e2e-tagsuite');
    expect(await kubectl(['get', 'service', '-n', 'istio-system', '-l', 'istio.io/tag=e2e-tagsuite', '-o', 'name'])).toBe('');
  });
});

describe('tag set analyzes the injector webhooks for conflicts (istioctl analyzeWebhook)', () => {
  afterAll(async () => {
    // Both the GitOps copy and the tag carry istio.io/tag=e2e-clash: remove deletes them all.
    await istioTs(['tag', 'remove', 'e2e-clash', '-y']);
  });

  it('a webhook already injecting the tag’s namespaces: refused with IST0139 as istioctl finds it; -y sets it', async () => {
    // The tag's objects applied under another webhook name, as a GitOps pipeline would from `tag generate`.
    const gen = await istioTs(['tag', 'generate', 'e2e-clash', '-r', 'default', '--webhook-name', 'gitops-e2e-clash']);
    expect(gen.code).toBe(0);
    await kubectl(['apply', '-f', '-'], gen.stdout);

    const plain = await istioTs(['tag', 'set', 'e2e-clash', '-r', 'default']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('revision tag "e2e-clash" already exists, and --overwrite is false');

    const refused = await istioTs(['tag', 'set', 'e2e-clash', '-r', 'default', '--overwrite']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('creating revision tag "e2e-clash" would conflict with the injector webhooks in the cluster:');
    expect(refused.stderr).toContain('--skip-confirmation');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect((await kubectl(['get', 'mutatingwebhookconfiguration', '-l', 'istio.io/tag=e2e-clash', '-o', 'name'])).trim()).toBe('mutatingwebhookconfiguration.admissionregistration.k8s.io/gitops-e2e-clash');

    // The same findings istioctl prints before asking "Apply anyways?" (stdin closed: it does not apply).
    const theirs = await istioctl(['tag', 'set', 'e2e-clash', '-r', 'default', '--overwrite']);
    const findings = (text: string) => [...text.matchAll(/\[IST0139\] \(MutatingWebhookConfiguration istio-revision-tag-e2e-clash ?\) (.*)/g)].map((m) => m[1]).sort();
    expect(findings(theirs.stderr)).toHaveLength(2);
    expect(findings(refused.stderr)).toEqual(findings(theirs.stderr));
    expect(findings(refused.stderr)[0]).toBe('Webhook overlaps with others: [gitops-e2e-clash/rev.namespace.sidecar-injector.istio.io]. This may cause injection to occur twice.');

    const forced = await istioTs(['tag', 'set', 'e2e-clash', '-r', 'default', '--overwrite', '-y']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Revision tag "e2e-clash" created, referencing control plane revision "default".');
    expect((await kubectl(['get', 'mutatingwebhookconfiguration', '-l', 'istio.io/tag=e2e-clash', '-o', 'name'])).trim().split('\n').sort()).toEqual([
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/gitops-e2e-clash',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/istio-revision-tag-e2e-clash',
    ]);
  });
});

describe('a control plane installed with helm (istio-base defaultRevision, istiod-1-20-2)', () => {
  let helm = '';
  let charts = '';
  const run = async (args: string[]) => execFileP(helm, args, { env: { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG }, timeout: 300_000, maxBuffer: 64 << 20 });
  // The harness's URL webhooks (its istiod runs on the host), as helm values instead of istioctl --set paths.
  const urlValues = () => (harnessEnv().HARNESS_INSTALL_FLAGS ?? '').split(/\s+/).filter((w) => w.startsWith('values.')).flatMap((w) => ['--set', w.slice('values.'.length)]);

  beforeAll(async () => {
    const built = await execFileP('bash', [join(repo, 'test/e2e/helm/build.sh')], { cwd: repo, timeout: 900_000, maxBuffer: 16 << 20 });
    helm = built.stdout.trim().split('\n').pop()!;
    const dir = await execFileP('go', ['list', '-m', '-f', '{{.Dir}}', 'istio.io/istio'], { cwd: join(repo, 'test/harness/go/istio'), timeout: 120_000 });
    charts = join(dir.stdout.trim(), 'manifests/charts');
    // istio-base takes over the objects istioctl already applied (the CRDs are kept on uninstall).
    await run(['upgrade', '--install', 'istio-base', join(charts, 'base'), '-n', 'istio-system', '--set', 'defaultRevision=1-20-2', '--take-ownership', '--force-conflicts', ...urlValues()]);
    await run(['upgrade', '--install', 'istiod-1-20-2', join(charts, 'istio-control/istio-discovery'), '-n', 'istio-system', '--set', 'revision=1-20-2', ...urlValues()]);
    // helm returns once the objects are written (no --wait); `version` reads running istiod pods.
    await waitFor('a running istiod pod of revision 1-20-2', async () => {
      const pods = await kubectlJSON(['get', 'pods', '-n', 'istio-system', '-l', 'app=istiod,istio.io/rev=1-20-2']);
      return pods.items.filter((p: Obj) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).length === 1;
    }, 90_000, 1000);
  }, 1_200_000);
  afterAll(async () => {
    await istioTs(['tag', 'remove', 'e2e-canary', '-y']);
    if (helm) await run(['uninstall', 'istiod-1-20-2', '-n', 'istio-system']).catch(() => undefined);
  });

  it('tag set/list/generate on the helm revision, as istioctl', async () => {
    expect((await istioTs(['tag', 'set', 'e2e-canary', '--revision', '1-20-2'])).code).toBe(0);
    const ours = await istioTs(['tag', 'list']);
    expect(ours.stdout).toBe((await istioctl(['tag', 'list'])).stdout);
    expect(ours.stdout).toMatch(/^e2e-canary +1-20-2 +$/m);
    const gen = await istioTs(['tag', 'generate', 'e2e-other', '-r', '1-20-2']);
    expect(withoutChartVersion(gen.stdout)).toEqual(withoutChartVersion((await istioctl(['tag', 'generate', 'e2e-other', '-r', '1-20-2'])).stdout));
    // Built from the helm release's webhook: its release annotations and labels travel along.
    expect(gen.stdout).toContain('meta.helm.sh/release-name: istiod-1-20-2');
  });

  it('version, precheck and uninstall recognise the helm revision', async () => {
    const v = await istioTs(['version']);
    expect(v.stdout).toMatch(/^control plane version: .*\(revision 1-20-2, 1 pod\)/m);
    const pre = await istioTs(['precheck', '-o', 'json']);
    expect(pre.stdout).toContain('revision 1-20-2: ');
    expect(pre.stdout).toContain('installed by Helm release istiod-1-20-2');
    const un = await istioTs(['uninstall', '-r', '1-20-2', '--dry-run']);
    expect(un.code).toBe(0);
    expect(un.stderr).toContain('Nothing to remove: no istio-ts-installed objects for revision 1-20-2.');
    expect(un.stderr).toContain('Deployment istio-system/istiod-1-20-2 (revision 1-20-2, installed by Helm release istiod-1-20-2) is still running');
    // Its own istiod pod is no proxy of the revision.
    expect(`${un.stdout}${un.stderr}`).not.toMatch(/proxies pointing to revision 1-20-2: istio-system\/istiod-1-20-2/);
  });
});
