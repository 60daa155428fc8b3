import path from 'node:path';
import { describe } from 'vitest';
import { subsetPolicyAnalyzer } from '../../../src/analyzers/destinationrule/subset-policy-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('destinationrule.SubsetPolicyAnalyzer', () => {
  analyzerTable(subsetPolicyAnalyzer, path.join(FIXTURES, 'destinationrule/subset-policy-analyzer'), [
    {
      name: 'a subset policy nothing routes to; a routed subset and a subset without policy pass',
      files: ['subsets.yaml'],
      expected: [{ code: 'ITS0012', origin: 'DestinationRule shop/reviews', line: 18 }],
    },
  ]);
});
