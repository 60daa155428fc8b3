import path from 'node:path';
import { describe } from 'vitest';
import { deprecationAnalyzer } from '../../../src/analyzers/deprecation/deprecation-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('deprecation.DeprecationAnalyzer', () => {
  analyzerTable(deprecationAnalyzer, path.join(FIXTURES, 'deprecation/deprecation-analyzer'), [
    {
      name: 'fault.delay.percent, Sidecar egressProxy and removed RBAC CRDs',
      files: ['deprecated.yaml'],
      expected: [
        { code: 'IST0002', origin: 'VirtualService shop/cart-chaos', line: 13 },
        { code: 'IST0002', origin: 'Sidecar shop/default', line: 46 },
        { code: 'IST0002', origin: 'CustomResourceDefinition serviceroles.rbac.istio.io' },
      ],
    },
  ]);
});
