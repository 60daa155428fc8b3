import path from 'node:path';
import { describe } from 'vitest';
import { meshNetworksValidationAnalyzer } from '../../../src/analyzers/schema/validation.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('schema.ValidationAnalyzer.MeshNetworks', () => {
  analyzerTable(meshNetworksValidationAnalyzer, path.join(FIXTURES, 'schema/mesh-networks'), [
    {
      name: 'a CIDR without prefix, a registry that is not a DNS label, a gateway without port; valid networks pass',
      files: ['networks.yaml'],
      expected: [
        { code: 'IST0106', origin: 'MeshNetworks meshnetworks', line: 20 },
        { code: 'IST0106', origin: 'MeshNetworks meshnetworks', line: 21 },
        { code: 'IST0106', origin: 'MeshNetworks meshnetworks', line: 23 },
      ],
    },
  ]);
});
