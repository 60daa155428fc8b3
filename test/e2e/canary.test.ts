// E2E: the canary upgrade walk of docs/revisions.md, end to end on the loopback harness.
//
// The old revision is the harness's own control plane (istioctl-installed revision "default",
// served by the harness istiod). The new revision "canary" is installed by `istio-ts install -r
// canary` with URL webhooks pointing at a second real istiod that `scripts/harness.sh revision
// canary up` starts on the host with REVISION=canary (it reads istio-canary and
// istio-sidecar-injector-canary, patches the caBundle of every webhook labelled
// istio.io/rev=canary, tags included). The fake sidecar connects each injected pod to the istiod
// its injected discoveryAddress names (istiod-canary.istio-system.svc → the second istiod).
//
// Walk: workload injected by the old revision → install -r canary → tag set e2e-prod -r canary →
// relabel the namespace istio.io/rev=e2e-prod → check-inject names the tag → uninstall -r default
// warns (the proxy still uses it) → rollout restart → the real canary istiod injects, the proxy
// connects to it; proxy-status and version show revision canary → uninstall -r default no longer
// names it, uninstall -r canary does.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, createNamespace, deployment, harnessEnv, injectsWith, istioTs, kubectl, kubectlJSON, runningPods, waitFor } from './harness.js';

const execFileP = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const REV = 'canary';
const TAG = 'e2e-prod';

type Obj = Record<string, any>;

async function harness(args: string[]): Promise<string> {
  const env = { ...process.env, HARNESS_DIR: harnessEnv().HARNESS_DIR, HARNESS_BIN: harnessEnv().HARNESS_BIN, KUBECONFIG: harnessEnv().KUBECONFIG };
  const r = await execFileP('bash', [join(repo, 'scripts/harness.sh'), ...args], { cwd: repo, env, timeout: 300_000, maxBuffer: 16 << 20 });
  return r.stdout;
}

const revisionOf = (pod: Obj): string => JSON.parse(pod.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}').revision;
const proxyConfigOf = (pod: Obj): Obj => {
  const proxy = pod.spec.containers.find((c: Obj) => c.name === 'istio-proxy');
  return JSON.parse(proxy.env.find((e: Obj) => e.name === 'PROXY_CONFIG').value);
};

describe('canary upgrade walk: default → canary with a revision tag', () => {
  let shop: { name: string; cleanup: () => Promise<void> };
  let stay: { name: string; cleanup: () => Promise<void> };
  let oldPod = '';
  let newPod = '';
  let revisionXds = '';
  let installed = false;

  beforeAll(async () => {
    shop = await createNamespace('e2e-shop', { 'istio-injection': 'enabled' });
    // A namespace that stays on the old revision through the whole walk.
    stay = await createNamespace('e2e-stay', { 'istio-injection': 'enabled' });
    await apply(deployment('web'), shop.name);
    await apply(deployment('legacy'), stay.name);
  });

  afterAll(async () => {
    await istioTs(['tag', 'remove', TAG, '-y']);
    await shop?.cleanup();
    await stay?.cleanup();
    await harness(['revision', REV, 'down']).catch(() => undefined);
    if (installed) await istioTs(['uninstall', '-r', REV, '-y'], { timeoutMs: 300_000 });
  });

  it('the old revision (default) injects and serves the workload', async () => {
    const [pod] = await runningPods(shop.name, 'web', 1);
    oldPod = pod.metadata.name;
    expect(revisionOf(pod)).toBe('default');
    // The default revision's injection leaves discoveryAddress at the mesh default (istiod.istio-system.svc:15012).
    expect([undefined, 'istiod.istio-system.svc:15012']).toContain(proxyConfigOf(pod).discoveryAddress);
    await runningPods(stay.name, 'legacy', 1);
    const ps = await waitFor('web connected to the default istiod', async () => {
      const r = await istioTs(['proxy-status', '-o', 'json']);
      const p = JSON.parse(r.stdout).proxies.find((x: Obj) => x.proxy === `${oldPod}.${shop.name}`);
      return p;
    }, 60_000);
    expect(ps.istiod).toMatch(/^istiod-(?!canary)/);
    expect(ps.revision).toBe('default');
  });

  it(`install -r ${REV} with istio-ts, and its own istiod`, async () => {
    const flags = (await harness(['revision', REV, 'flags'])).trim().split(/\s+/);
    const r = await istioTs(['install', '-r', REV, '--set', 'profile=minimal', ...flags, '-y'], { timeoutMs: 300_000 });
    installed = true;
    expect(`${r.stdout}${r.stderr}`).toContain('✔ Installation complete');
    expect(r.code).toBe(0);
    const up = await harness(['revision', REV, 'up']);
    revisionXds = /HARNESS_REVISION_XDS=(\S+)/.exec(up)![1];
    expect(revisionXds).toMatch(/^127\.0\.0\.1:\d+$/);
    // The revision's injector webhook: the canary istiod patched its caBundle.
    const mwc = await kubectlJSON(['get', 'mutatingwebhookconfiguration', `istio-sidecar-injector-${REV}`]);
    expect(mwc.webhooks[0].clientConfig.caBundle).toBeTruthy();
    const v = await istioTs(['version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`^control plane version: .*\\(revision ${REV}, 1 pod\\)`, 'm'));
    expect(v.stdout).toMatch(/\(revision default, 1 pod\)/);
  });

  it(`tag set ${TAG} --revision ${REV}: the tag's webhook points at the canary istiod`, async () => {
    const set = await istioTs(['tag', 'set', TAG, '--revision', REV]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Revision tag "${TAG}" created, referencing control plane revision "${REV}".`);
    const own = await kubectlJSON(['get', 'mutatingwebhookconfiguration', `istio-sidecar-injector-${REV}`]);
    const tag = await waitFor('the tag webhook with a caBundle', async () => {
      const t = await kubectlJSON(['get', 'mutatingwebhookconfiguration', `istio-revision-tag-${TAG}`]);
      return t.webhooks.every((w: Obj) => w.clientConfig.caBundle) ? t : undefined;
    }, 60_000);
    expect(tag.metadata.labels).toMatchObject({ 'istio.io/rev': REV, 'istio.io/tag': TAG });
    for (const w of tag.webhooks) expect(w.clientConfig.url).toBe(own.webhooks[0].clientConfig.url);
    expect((await istioTs(['tag', 'list'])).stdout).toMatch(new RegExp(`^${TAG} +${REV} *$`, 'm'));
  });

  it(`a second, unchanged install -r ${REV} changes nothing and prunes nothing (the tag stays)`, async () => {
    const flags = (await harness(['revision', REV, 'flags'])).trim().split(/\s+/);
    const r = await istioTs(['install', '-r', REV, '--set', 'profile=minimal', ...flags, '-y'], { timeoutMs: 300_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.code).toBe(0);
    expect(out).toMatch(new RegExp(`revision ${REV}: 0 to create, 0 to update, \\d+ unchanged, 0 to prune`));
    expect(out).toContain('✔ No changes');
    // The tag was built from the revision's webhook but is not the revision's: it is neither
    // pruned nor labelled as owned by the install.
    const tag = await kubectlJSON(['get', 'mutatingwebhookconfiguration', `istio-revision-tag-${TAG}`]);
    expect(Object.keys(tag.metadata.labels).filter((k: string) => k.startsWith('install.istio-ts.dev/'))).toEqual([]);
    expect((await istioTs(['tag', 'list'])).stdout).toMatch(new RegExp(`^${TAG} +${REV} *$`, 'm'));
  });

  it('relabel the namespace: check-inject names the tag; uninstall -r default still warns', async () => {
    await kubectl(['label', 'namespace', shop.name, `istio.io/rev=${TAG}`, 'istio-injection-']);
    expect((await istioTs(['tag', 'list'])).stdout).toMatch(new RegExp(`^${TAG} +${REV} +${shop.name}$`, 'm'));
    const ci = await istioTs(['check-inject', '-n', shop.name, 'deploy/web']);
    expect(ci.code).toBe(0);
    expect(ci.stdout).toMatch(new RegExp(`^istio-revision-tag-${TAG} +${REV} \\(tag ${TAG}\\) +✔ +Namespace label istio.io/rev=${TAG} matches`, 'm'));
    expect(ci.stdout).toMatch(/^istio-sidecar-injector +default +✘/m);
    // Not restarted yet: the proxy still uses the old revision.
    const un = await istioTs(['uninstall', '-r', 'default', '--dry-run']);
    expect(un.code).toBe(0);
    expect(un.stdout).toMatch(/There are still \d+ proxies pointing to revision default: /);
    expect(un.stdout).toContain(`${shop.name}/${oldPod}`);
    const unNew = await istioTs(['uninstall', '-r', REV, '--dry-run']);
    expect(unNew.code).toBe(0);
    expect(unNew.stdout).not.toContain('proxies pointing to');
  });

  it('rollout restart: the canary istiod injects, the proxy connects to it', async () => {
    // The relabelled namespace goes through the tag's webhook once the API server's caches have the
    // new label: the restarted pod must not be created before.
    await injectsWith(shop.name, REV);
    await kubectl(['rollout', 'restart', 'deployment/web', '-n', shop.name]);
    const pod = await waitFor('the restarted web pod', async () => {
      const pods = await runningPods(shop.name, 'web', 1, 5_000).catch(() => undefined);
      return pods && pods[0].metadata.name !== oldPod ? pods[0] : undefined;
    }, 120_000);
    newPod = pod.metadata.name;
    expect(revisionOf(pod)).toBe(REV);
    expect(proxyConfigOf(pod).discoveryAddress).toBe(`istiod-${REV}.istio-system.svc:15012`);
    // The (fake) proxy dialled the canary istiod's xDS port, as its injected discoveryAddress says.
    const log = await waitFor('the proxy log', async () => {
      const text = readFileSync(join(harnessEnv().HARNESS_DIR, 'proxies', `${shop.name}_${newPod}_istio-proxy.log`), 'utf8');
      return text.includes('xDS stream opened') ? text : undefined;
    }, 60_000);
    expect(log).toContain(`xDS stream opened to ${revisionXds}`);

    const ps = await waitFor('proxy-status with both proxies synced', async () => {
      const r = await istioTs(['proxy-status', '-o', 'json']);
      const all = JSON.parse(r.stdout).proxies as Obj[];
      const web = all.find((x) => x.proxy === `${newPod}.${shop.name}`);
      const legacy = all.find((x) => x.proxy.endsWith(`.${stay.name}`));
      return web && legacy && web.types?.CDS?.state === 'SYNCED' ? { web, legacy } : undefined;
    }, 90_000);
    expect(ps.web.istiod).toMatch(new RegExp(`^istiod-${REV}-`));
    expect(ps.web.revision).toBe(REV);
    expect(ps.legacy.revision).toBe('default');
    // The table: a REVISION column after ISTIOD, since proxies of two revisions answer.
    const table = await istioTs(['proxy-status']);
    expect(table.stdout).toMatch(/^NAME +CLUSTER +ISTIOD +REVISION +VERSION/m);
    expect(table.stdout).toMatch(new RegExp(`^${newPod}\\.${shop.name} +Kubernetes +istiod-${REV}-\\S+ +${REV} +`, 'm'));
    const only = await istioTs(['proxy-status', '-r', REV, '-o', 'json']);
    expect(JSON.parse(only.stdout).proxies.map((p: Obj) => p.proxy)).toEqual([`${newPod}.${shop.name}`]);

    const v = await istioTs(['version', '--short=false']);
    expect(v.stdout).toMatch(new RegExp(`^${newPod}\\.${shop.name} +${REV} +\\S+ +istiod-${REV}-`, 'm'));
    const vj = JSON.parse((await istioTs(['version', '-o', 'json'])).stdout);
    const dp = (vj.dataPlaneVersion ?? []) as Obj[];
    expect(dp.find((p) => p.ID === `${newPod}.${shop.name}`)?.Revision).toBe(REV);
  });

  it('after the move: uninstall -r default no longer names the workload, uninstall -r canary does', async () => {
    await waitFor(`old pod ${oldPod} gone`, async () => (await kubectl(['get', 'pods', '-n', shop.name, '-o', 'name'])).includes(oldPod) ? undefined : true, 90_000);
    const un = await istioTs(['uninstall', '-r', 'default', '--dry-run']);
    expect(un.code).toBe(0);
    expect(un.stdout).not.toContain(`${shop.name}/`);
    // The namespace that was never moved still keeps the old revision alive.
    expect(un.stdout).toMatch(new RegExp(`There are still \\d+ proxies pointing to revision default: .*${stay.name}/legacy-`));
    const unNew = await istioTs(['uninstall', '-r', REV, '--dry-run']);
    expect(unNew.code).toBe(0);
    expect(unNew.stdout).toContain(`There are still 1 proxies pointing to revision ${REV}: ${shop.name}/${newPod}`);
  });
});

// The same with a control plane installed as our first user installs it: helm (test/e2e/helm/build.sh)
// with Istio's own istiod chart from the pinned istio module, revision 1-20-2, now served by a
// real istiod of that revision (`harness.sh revision 1-20-2 up`), reached through a tag.
describe('helm-installed revision 1-20-2 with its own istiod, through a tag', () => {
  const HREV = '1-20-2';
  const HTAG = 'e2e-helm';
  let helm = '';
  let ns: { name: string; cleanup: () => Promise<void> } | undefined;
  const run = (args: string[]) => execFileP(helm, args, { env: { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG }, timeout: 300_000, maxBuffer: 64 << 20 });

  beforeAll(async () => {
    const built = await execFileP('bash', [join(repo, 'test/e2e/helm/build.sh')], { cwd: repo, timeout: 900_000, maxBuffer: 16 << 20 });
    helm = built.stdout.trim().split('\n').pop()!;
    const dir = await execFileP('go', ['list', '-m', '-f', '{{.Dir}}', 'istio.io/istio'], { cwd: join(repo, 'test/harness/go/istio'), timeout: 120_000 });
    const chart = join(dir.stdout.trim(), 'manifests/charts/istio-control/istio-discovery');
    // The revision's URL webhooks point at its own istiod (helm values, not istioctl --set paths).
    const urls = (await harness(['revision', HREV, 'flags'])).trim().split(/\s+/).filter((w) => w.startsWith('values.')).flatMap((w) => ['--set', w.slice('values.'.length)]);
    await run(['upgrade', '--install', `istiod-${HREV}`, chart, '-n', 'istio-system', '--set', `revision=${HREV}`, ...urls]);
    await harness(['revision', HREV, 'up']);
  }, 1_200_000);

  afterAll(async () => {
    await istioTs(['tag', 'remove', HTAG, '-y']);
    await ns?.cleanup();
    await harness(['revision', HREV, 'down']).catch(() => undefined);
    if (helm) await run(['uninstall', `istiod-${HREV}`, '-n', 'istio-system']).catch(() => undefined);
  });

  it('tag, check-inject, injection by the real 1-20-2 istiod, proxy-status, version, precheck, uninstall warnings', async () => {
    expect((await istioTs(['tag', 'set', HTAG, '--revision', HREV])).code).toBe(0);
    ns = await createNamespace('e2e-helmrev', { 'istio.io/rev': HTAG });
    await injectsWith(ns.name, HREV);
    await apply(deployment('web'), ns.name);
    const [pod] = await runningPods(ns.name, 'web', 1);
    expect(revisionOf(pod)).toBe(HREV);
    expect(proxyConfigOf(pod).discoveryAddress).toBe(`istiod-${HREV}.istio-system.svc:15012`);

    const ci = await istioTs(['check-inject', '-n', ns.name, 'deploy/web']);
    expect(ci.code).toBe(0);
    expect(ci.stdout).toMatch(new RegExp(`^istio-revision-tag-${HTAG} +${HREV} \\(tag ${HTAG}\\) +✔ +Namespace label istio.io/rev=${HTAG} matches`, 'm'));
    expect(ci.stdout).toMatch(new RegExp(`^istio-sidecar-injector-${HREV} +${HREV} +✘`, 'm'));

    const me = `${pod.metadata.name}.${ns.name}`;
    const ps = await waitFor('proxy-status of the 1-20-2 proxy', async () => {
      const r = await istioTs(['proxy-status', '-r', HREV, '-o', 'json']);
      return (JSON.parse(r.stdout).proxies as Obj[]).find((x) => x.proxy === me && x.types?.CDS?.state === 'SYNCED');
    }, 90_000);
    expect(ps.istiod).toMatch(new RegExp(`^istiod-${HREV}-`));
    expect(ps.revision).toBe(HREV);

    const v = await istioTs(['version', '--short=false']);
    expect(v.stdout).toMatch(new RegExp(`^${HREV} +istiod-${HREV}-\\S+ +1\\.31-dev`, 'm'));
    expect(v.stdout).toMatch(new RegExp(`^${me.replace(/\./g, '\\.')} +${HREV} +\\S+ +istiod-${HREV}-`, 'm'));

    const pre = await istioTs(['precheck', '-o', 'json']);
    expect(pre.stdout).toContain(`installed by Helm release istiod-${HREV}`);

    const un = await istioTs(['uninstall', '-r', HREV, '--dry-run']);
    expect(un.code).toBe(0);
    expect(un.stdout).toContain(`There are still 1 proxies pointing to revision ${HREV}: ${ns.name}/${pod.metadata.name}`);
    expect(un.stderr).toContain(`Deployment istio-system/istiod-${HREV} (revision ${HREV}, installed by Helm release istiod-${HREV}) is still running`);
  });
});
