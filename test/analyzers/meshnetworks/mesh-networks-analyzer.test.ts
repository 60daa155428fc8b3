import path from 'node:path';
import { describe } from 'vitest';
import analyzer from '../../../src/analyzers/meshnetworks/mesh-networks-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('meshnetworks.MeshNetworksAnalyzer', () => {
  analyzerTable(analyzer, path.join(FIXTURES, 'meshnetworks/mesh-networks-analyzer'), [
    {
      name: 'a registry named by no remote secret; built-in and remote-secret registries are known',
      files: ['networks.yaml'],
      expected: [{ code: 'IST0126', origin: 'MeshNetworks meshnetworks', line: 16 }],
    },
  ]);
});
