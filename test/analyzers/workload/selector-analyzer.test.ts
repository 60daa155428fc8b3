import path from 'node:path';
import { describe } from 'vitest';
import { selectorAnalyzer } from '../../../src/analyzers/workload/selector-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('workload.SelectorAnalyzer', () => {
  analyzerTable(selectorAnalyzer, path.join(FIXTURES, 'workload/selector-analyzer'), [
    {
      name: 'no selector, and a selector that misses the template; matchExpressions that match pass',
      files: ['selectors.yaml'],
      expected: [
        { code: 'ITS0018', origin: 'Deployment shop/reviews' },
        { code: 'ITS0020', origin: 'StatefulSet shop/ratings', line: 21 },
      ],
    },
  ]);
});
