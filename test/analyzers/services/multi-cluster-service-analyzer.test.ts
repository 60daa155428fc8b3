import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFileSnapshot } from '../../../src/analysis/build.js';
import { runPipeline } from '../../../src/analysis/pipeline.js';
import { defaultMeshConfig } from '../../../src/analysis/mesh-config.js';
import { multiClusterServiceAnalyzer } from '../../../src/analyzers/services/multi-cluster-service-analyzer.js';
import { analyzeFiles } from '../../../src/commands/analyze/run.js';
import { KubeError, type KubeClient, type KubeObject } from '../../../src/kube/types.js';
import { parseText, type LoadedObject } from '../../../src/resources/loader.js';
import { FIXTURES } from '../../helpers/analyzer-table.js';

const dir = path.join(FIXTURES, 'services/multi-cluster-service-analyzer');
const mesh = defaultMeshConfig('istio-system');

function objects(file: string): LoadedObject[] {
  const out: LoadedObject[] = [];
  parseText(readFileSync(path.join(dir, file), 'utf8'), file, out, []);
  return out;
}

const build = { allNamespaces: true, namespace: 'default', istioNamespace: 'istio-system', meshConfig: mesh, addDefaults: false };

/** A remote cluster's snapshot (what analyze builds from a --remote-contexts listing). */
function snapshotOf(file: string) {
  return buildFileSnapshot(objects(file), build).snapshot;
}

/** A cluster that serves the fixture's Services (and nothing else). */
function fakeCluster(file: string, opts: { unreachable?: boolean } = {}): KubeClient {
  const items = objects(file).map((o) => o.object as unknown as KubeObject);
  return {
    defaultNamespace: 'default',
    async list(apiVersion, kind) {
      if (opts.unreachable) throw new KubeError('connect ECONNREFUSED 127.0.0.1:6443', undefined);
      if (apiVersion === 'v1' && kind === 'Service') return items;
      if (apiVersion === 'v1' && kind === 'Namespace') return [];
      throw new KubeError('the server could not find the requested resource', 404);
    },
    async get() {
      throw new KubeError('not found', 404);
    },
    async portForward() {
      throw new Error('unused');
    },
    async logs() {
      return '';
    },
  };
}

describe('services.MultiClusterServiceAnalyzer', () => {
  it('reports Services whose ports or headlessness differ between clusters; identical ones pass', () => {
    const r = runPipeline(
      { objects: objects('cluster1.yaml') },
      { ...build, analyzers: [multiClusterServiceAnalyzer], clusters: { primary: 'east', remotes: new Map([['west', snapshotOf('cluster2.yaml')]]) } },
    );
    expect(r.findings.map((d) => `${d.code} ${d.origin}`).sort()).toEqual(['IST0170 Service bookinfo/ratings', 'IST0170 Service bookinfo/reviews']);
    const reviews = r.findings.find((d) => d.origin === 'Service bookinfo/reviews')!;
    expect(reviews.message).toBe(
      'The service reviews in namespace "bookinfo" is inconsistent across clusters ["east" "west"], which can lead to undefined behaviors. The inconsistent behaviors are: service ports [http:8080/TCP] are different from [http:9080/TCP] in cluster east.',
    );
  });

  it('with one cluster (no --remote-contexts) there is nothing to compare', () => {
    const r = runPipeline({ objects: objects('cluster1.yaml') }, { ...build, analyzers: [multiClusterServiceAnalyzer] });
    expect(r.executed).toEqual(['services.MultiClusterServiceAnalyzer']);
    expect(r.findings).toEqual([]);
  });

  it('analyze with remote clusters compares them, and a remote that cannot be read is reported, not fatal', async () => {
    const base = {
      files: [],
      recursive: false,
      allNamespaces: true,
      namespace: 'default',
      istioNamespace: 'istio-system',
      analyzerNames: ['services.MultiClusterServiceAnalyzer'],
      suppressions: [],
      addDefaults: false,
      readStdin: async () => '',
    };
    const r = await analyzeFiles({
      ...base,
      live: { kube: fakeCluster('cluster1.yaml'), cluster: 'east', remotes: [{ name: 'west', kube: fakeCluster('cluster2.yaml') }, { name: 'south', kube: fakeCluster('cluster2.yaml', { unreachable: true }) }] },
    });
    expect(r.diagnostics.map((d) => `${d.code} ${d.origin}`).sort()).toEqual(['IST0170 Service bookinfo/ratings', 'IST0170 Service bookinfo/reviews']);
    expect(r.unlisted.map((u) => u.kind)).toContain('context south');
    expect(r.unlisted.find((u) => u.kind === 'context south')!.reason).toContain('ECONNREFUSED');
  });
});
