import path from 'node:path';
import { describe } from 'vitest';
import { containerPortAnalyzer } from '../../../src/analyzers/service/container-port-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('service.ContainerPortAnalyzer', () => {
  analyzerTable(containerPortAnalyzer, path.join(FIXTURES, 'service/container-port-analyzer'), [
    {
      name: 'a numeric and a named targetPort no container declares; matching ports and undeclared ports pass',
      files: ['ports.yaml'],
      expected: [
        { code: 'ITS0015', origin: 'Service shop/reviews', line: 26 },
        { code: 'ITS0015', origin: 'Service shop/reviews-admin' },
      ],
    },
    {
      name: 'sidecar-served ports of pods in the mesh, containers without a ports list, native sidecars and the Istio namespace pass; their twins do not',
      files: ['mesh-ports.yaml'],
      expected: [
        { code: 'ITS0015', origin: 'Service mesh/legacy-metrics', line: 63 },
        { code: 'ITS0015', origin: 'Service mesh/details-named', line: 103 },
      ],
    },
  ]);
});
