import { describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/errors.js';
import { findKubeconfig, IN_CLUSTER_TOKEN } from '../../../src/commands/kube-inject/kubeconfig.js';
import { resolveSources, type SourceFlags } from '../../../src/commands/kube-inject/sources.js';
import { injectorConfigMapData } from '../../../src/inject/configmap.js';
import { KubeError, type KubeClient, type KubeObject } from '../../../src/kube/types.js';

type Obj = Record<string, unknown>;

function configMap(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data };
}

/** The ConfigMaps `istio-ts install` (or the charts) leave in istio-system, for two revisions. */
const INSTALLED: KubeObject[] = [
  configMap('istio-system', 'istio-sidecar-injector', injectorConfigMapData({ global: { hub: 'registry.example.com/istio', tag: '1.27.3' } })),
  configMap('istio-system', 'istio', { mesh: 'trustDomain: example.org\n' }),
  configMap('istio-system', 'istio-sidecar-injector-canary', injectorConfigMapData({ revision: 'canary', global: { tag: '1.28.0' } })),
];

const NODES_133: KubeObject[] = [
  { kind: 'Node', metadata: { name: 'pool-a-1' }, status: { nodeInfo: { kubeletVersion: 'v1.33.4' } } },
  { kind: 'Node', metadata: { name: 'pool-b-1' }, status: { nodeInfo: { kubeletVersion: 'v1.34.1-gke.1200' } } },
];

function fakeKube(objects: KubeObject[], fail?: KubeError, nodes: KubeObject[] | Error = NODES_133): KubeClient & { gets: string[] } {
  const gets: string[] = [];
  return {
    gets,
    defaultNamespace: 'default',
    async get(_apiVersion, kind, namespace, name) {
      gets.push(`${kind} ${namespace}/${name}`);
      if (fail) throw fail;
      const hit = objects.find((o) => o.kind === kind && o.metadata?.namespace === namespace && o.metadata?.name === name);
      if (!hit) throw new KubeError(`get ${kind} ${namespace}/${name}: configmaps "${name}" not found`, 404);
      return hit;
    },
    async list(_apiVersion, kind) {
      if (kind !== 'Node') throw new Error(`unexpected list ${kind}`);
      if (nodes instanceof Error) throw nodes;
      return nodes;
    },
    async portForward() {
      throw new Error('not used');
    },
    async logs() {
      throw new Error('not used');
    },
  };
}

const HOME = '/home/oncall';
const withKubeconfig = { env: { HOME }, exists: (p: string) => p === `${HOME}/.kube/config` };
const noKubeconfig = { env: { HOME }, exists: () => false };

interface Case {
  name: string;
  flags?: Partial<SourceFlags>;
  deps?: { env: Record<string, string>; exists: (p: string) => boolean };
  objects?: KubeObject[];
  fail?: KubeError;
  expected: { origin?: string; injectSource?: string; valuesSource?: string; meshSource?: string; notes?: RegExp[]; gets?: string[]; error?: RegExp };
}

const cases: Case[] = [
  {
    name: '--injectConfigFile: the files, the cluster is not asked',
    flags: { injectConfig: { text: 'templates: {}', source: 'inject.yaml' } },
    deps: withKubeconfig,
    expected: { origin: 'files', injectSource: 'inject.yaml', notes: [], gets: [] },
  },
  {
    name: '--valuesFile alone also keeps the cluster out',
    flags: { values: { text: '{}', source: 'values.json' }, meshConfig: { text: '{}', source: 'mesh.yaml' } },
    deps: withKubeconfig,
    expected: { origin: 'files', valuesSource: 'values.json', meshSource: 'mesh.yaml', notes: [], gets: [] },
  },
  { name: '--offline: built-in, silently', flags: { offline: true }, deps: withKubeconfig, expected: { origin: 'built-in', notes: [], gets: [] } },
  {
    name: 'no kubeconfig: built-in, with a note naming the Istio version',
    deps: noKubeconfig,
    expected: { origin: 'built-in', notes: [/^using built-in injection settings \(Istio 1\.28\.0\); no kubeconfig found\. Pass --injectConfigFile\/--valuesFile, or a kubeconfig/], gets: [] },
  },
  {
    name: 'cluster: injector and mesh ConfigMaps of the default revision',
    deps: withKubeconfig,
    expected: {
      origin: 'cluster',
      injectSource: 'ConfigMap istio-system/istio-sidecar-injector data.config',
      valuesSource: 'ConfigMap istio-system/istio-sidecar-injector data.values',
      meshSource: 'ConfigMap istio-system/istio data.mesh',
      notes: [/^using injection settings from ConfigMap istio-system\/istio-sidecar-injector and ConfigMap istio-system\/istio$/],
      gets: ['ConfigMap istio-system/istio-sidecar-injector', 'ConfigMap istio-system/istio'],
    },
  },
  {
    name: 'cluster: revision "default" names the unsuffixed ConfigMaps',
    flags: { revision: 'default' },
    deps: withKubeconfig,
    expected: { origin: 'cluster', injectSource: 'ConfigMap istio-system/istio-sidecar-injector data.config', gets: ['ConfigMap istio-system/istio-sidecar-injector', 'ConfigMap istio-system/istio'] },
  },
  {
    name: 'cluster: -r canary reads the -canary ConfigMaps; a missing mesh ConfigMap is a note',
    flags: { revision: 'canary' },
    deps: withKubeconfig,
    expected: {
      origin: 'cluster',
      injectSource: 'ConfigMap istio-system/istio-sidecar-injector-canary data.config',
      notes: [/^using injection settings from ConfigMap istio-system\/istio-sidecar-injector-canary$/, /^ConfigMap istio-system\/istio-canary not found; using the default MeshConfig$/],
      gets: ['ConfigMap istio-system/istio-sidecar-injector-canary', 'ConfigMap istio-system/istio-canary'],
    },
  },
  {
    name: '--meshConfigFile wins over the cluster mesh ConfigMap',
    flags: { meshConfig: { text: 'trustDomain: corp.example\n', source: 'mesh.yaml' } },
    deps: withKubeconfig,
    expected: { origin: 'cluster', meshSource: 'mesh.yaml', notes: [/^using injection settings from ConfigMap istio-system\/istio-sidecar-injector$/] },
  },
  {
    name: '-i names the Istio namespace',
    flags: { istioNamespace: 'mesh-control' },
    deps: withKubeconfig,
    objects: [configMap('mesh-control', 'istio-sidecar-injector', { config: 'policy: enabled\n' })],
    expected: {
      origin: 'cluster',
      injectSource: 'ConfigMap mesh-control/istio-sidecar-injector data.config',
      notes: [/^using injection settings from ConfigMap mesh-control\/istio-sidecar-injector$/, /has no data\.values; using the built-in injection values$/, /^ConfigMap mesh-control\/istio not found; using the default MeshConfig$/],
    },
  },
  {
    name: 'Istio not installed: built-in settings with a warning',
    deps: withKubeconfig,
    objects: [],
    expected: { origin: 'built-in', notes: [/^Warning: ConfigMap istio-system\/istio-sidecar-injector not found in the cluster \(is Istio installed in this namespace\?\); using built-in injection settings \(Istio 1\.28\.0\)$/] },
  },
  {
    name: 'a revision that is not installed is an error, not the default sidecar',
    flags: { revision: 'canery' },
    deps: withKubeconfig,
    expected: { error: /^ConfigMap istio-system\/istio-sidecar-injector-canery not found in the cluster \(is revision "canery" installed\?\)$/ },
  },
  {
    name: 'forbidden: an error that suggests --offline',
    deps: withKubeconfig,
    fail: new KubeError('get ConfigMap istio-system/istio-sidecar-injector: configmaps is forbidden: User "ci" cannot get resource "configmaps"', 403),
    expected: { error: /^cannot read ConfigMap istio-system\/istio-sidecar-injector: get ConfigMap .*forbidden/ },
  },
  {
    name: 'a ConfigMap without data.config is an error',
    deps: withKubeconfig,
    objects: [configMap('istio-system', 'istio-sidecar-injector', { values: '{}' })],
    expected: { error: /^ConfigMap istio-system\/istio-sidecar-injector has no data\.config$/ },
  },
];

describe('kube-inject settings sources', () => {
  it('has no duplicate rows', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
  for (const c of cases) {
    it(c.name, async () => {
      const kube = fakeKube(c.objects ?? INSTALLED, c.fail);
      let connects = 0;
      const run = resolveSources(
        { offline: false, istioNamespace: 'istio-system', ...c.flags },
        {
          ...(c.deps ?? noKubeconfig),
          connect: async () => {
            connects++;
            return kube;
          },
        },
      );
      if (c.expected.error) {
        // A user-facing error (exit 1 through the one error map, no stack), not a crash.
        const err = await run.catch((e: unknown) => e);
        expect(describeError(err)).toMatchObject({ exitCode: 1 });
        expect(describeError(err).kind).not.toBe('internal');
        await expect(run).rejects.toThrow(c.expected.error);
        await expect(run).rejects.toMatchObject({ hint: expect.stringMatching(/--offline/) });
        return;
      }
      const r = await run;
      if (c.expected.origin) expect(r.origin).toBe(c.expected.origin);
      if (c.expected.injectSource) expect(r.injectConfig?.source).toBe(c.expected.injectSource);
      if (c.expected.valuesSource) expect(r.values?.source).toBe(c.expected.valuesSource);
      if (c.expected.meshSource) expect(r.meshConfig?.source).toBe(c.expected.meshSource);
      if (c.expected.notes) {
        expect(r.notes).toHaveLength(c.expected.notes.length);
        c.expected.notes.forEach((re, i) => expect(r.notes[i]).toMatch(re));
      }
      if (c.expected.gets) {
        expect(kube.gets.sort()).toEqual([...c.expected.gets].sort());
        expect(connects).toBe(c.expected.gets.length > 0 ? 1 : 0);
      }
    });
  }

  it('a kubeconfig that cannot be loaded is an error naming the cause', async () => {
    const run = resolveSources({ offline: false, istioNamespace: 'istio-system' }, { ...withKubeconfig, connect: async () => Promise.reject(new KubeError('cannot load kubeconfig: bad YAML')) });
    await expect(run).rejects.toThrow(/^cannot use the cluster for injection settings: cannot load kubeconfig: bad YAML$/);
  });

  const nativeRows: { name: string; nodes: KubeObject[] | Error; flag?: 'auto' | 'true' | 'false'; expected?: string; note?: RegExp }[] = [
    { name: 'every kubelet >= 1.33: native sidecars', nodes: NODES_133, expected: 'true' },
    { name: 'one older kubelet: regular sidecar containers', nodes: [...NODES_133, { kind: 'Node', metadata: { name: 'old' }, status: { nodeInfo: { kubeletVersion: 'v1.31.9' } } }], expected: 'false' },
    { name: 'an unparseable kubelet version (simulated node) counts as older', nodes: [{ kind: 'Node', metadata: { name: 'kwok-node-0' }, status: { nodeInfo: { kubeletVersion: 'kwok-0.8.0' } } }], expected: 'false' },
    { name: 'no nodes: no native sidecars', nodes: [], expected: 'false' },
    { name: 'an explicit --native-sidecars is not second-guessed', nodes: [], flag: 'true', expected: undefined },
    { name: 'nodes not listable: auto stays, with a note', nodes: new KubeError('list Node: nodes is forbidden', 403), expected: undefined, note: /^cannot list nodes \(list Node: nodes is forbidden\); assuming native sidecars/ },
  ];
  for (const n of nativeRows) {
    it(`--native-sidecars auto from the nodes: ${n.name}`, async () => {
      const r = await resolveSources({ offline: false, istioNamespace: 'istio-system', nativeSidecars: n.flag ?? 'auto' }, { ...withKubeconfig, connect: async () => fakeKube(INSTALLED, undefined, n.nodes) });
      expect(r.nativeSidecars).toBe(n.expected);
      if (n.note) expect(r.notes.at(-1)).toMatch(n.note);
      else expect(r.notes).toHaveLength(1);
    });
  }

  it('the cluster values and config reach the injector unchanged', async () => {
    const r = await resolveSources({ offline: false, istioNamespace: 'istio-system' }, { ...withKubeconfig, connect: async () => fakeKube(INSTALLED) });
    expect((JSON.parse(r.values!.text) as { global: Obj }).global).toMatchObject({ hub: 'registry.example.com/istio', tag: '1.27.3' });
    expect(r.meshConfig!.text).toBe('trustDomain: example.org\n');
  });
});

describe('findKubeconfig (no @kubernetes/client-node needed)', () => {
  const rows: { name: string; opts: Parameters<typeof findKubeconfig>[0]; expected: string | undefined }[] = [
    { name: '--kubeconfig is taken as given, even if missing', opts: { kubeconfig: '/nope', env: {}, exists: () => false }, expected: '/nope' },
    { name: 'first existing file of $KUBECONFIG', opts: { env: { KUBECONFIG: '/a:/b', HOME }, exists: (p) => p === '/b' }, expected: '/b' },
    { name: '$KUBECONFIG set but no file exists: no fallback to ~/.kube/config', opts: { env: { KUBECONFIG: '/a', HOME }, exists: (p) => p !== '/a' && p !== IN_CLUSTER_TOKEN }, expected: undefined },
    { name: '~/.kube/config', opts: withKubeconfig, expected: `${HOME}/.kube/config` },
    { name: 'in-cluster service account', opts: { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, exists: (p) => p === IN_CLUSTER_TOKEN }, expected: 'in-cluster' },
    { name: 'nothing at all', opts: { env: {}, exists: () => false }, expected: undefined },
  ];
  for (const r of rows) it(r.name, () => expect(findKubeconfig(r.opts)).toBe(r.expected));
});
