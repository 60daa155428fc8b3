import path from 'node:path';
import { describe, expect, it } from 'vitest';
import imageAutoAnalyzer from '../../../src/analyzers/injection/image-auto-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';
import { runPipeline } from '../../../src/analysis/pipeline.js';
import { defaultMeshConfig } from '../../../src/analysis/mesh-config.js';
import { parseText, type LoadedObject } from '../../../src/resources/loader.js';

describe('injection.ImageAutoAnalyzer', () => {
  analyzerTable(imageAutoAnalyzer, path.join(FIXTURES, 'injection/image-auto-analyzer'), [
    {
      name: '"image: auto" on a pod, and on a Deployment no injection webhook selects',
      files: ['gateways.yaml'],
      expected: [
        { code: 'IST0147', origin: 'Pod edge/edge-gateway-7f9c8d6b4-9xq2w' },
        { code: 'IST0146', origin: 'Deployment edge/edge-gateway' },
      ],
    },
  ]);

  it('does not judge Deployments when the webhook configurations are not in the input', () => {
    const objects: LoadedObject[] = [];
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: edge}
spec:
  selector: {matchLabels: {istio: gw}}
  template:
    metadata: {labels: {istio: gw}}
    spec: {containers: [{name: istio-proxy, image: auto}]}
`;
    parseText(yaml, 'gw.yaml', objects, []);
    const mesh = defaultMeshConfig();
    const r = runPipeline({ objects }, { allNamespaces: true, namespace: 'default', istioNamespace: 'istio-system', meshConfig: mesh, addDefaults: true, analyzers: [imageAutoAnalyzer] });
    expect(r.executed).toEqual(['injection.ImageAutoAnalyzer']);
    expect(r.findings).toEqual([]);
  });
});
