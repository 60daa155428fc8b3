import path from 'node:path';
import { describe } from 'vitest';
import { headlessPortAnalyzer } from '../../../src/analyzers/service/headless-port-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('service.HeadlessPortAnalyzer', () => {
  analyzerTable(headlessPortAnalyzer, path.join(FIXTURES, 'service/headless-port-analyzer'), [
    {
      name: 'an http port on a headless Service of STRICT mTLS pods; tcp ports, ClusterIP Services, pods outside the mesh and PERMISSIVE pods pass',
      files: ['headless.yaml'],
      expected: [{ code: 'ITS0016', origin: 'Service shop/search', line: 25 }],
    },
    {
      name: 'port-level mTLS decides per target port: the PERMISSIVE port passes, the STRICT one is reported',
      files: ['port-level.yaml'],
      expected: [{ code: 'ITS0016', origin: 'Service shop/search', line: 30 }],
    },
  ]);
});
