import path from 'node:path';
import { describe } from 'vitest';
import { destinationRuleAnalyzer } from '../../../src/analyzers/virtualservice/destination-rule-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('virtualservice.DestinationRuleAnalyzer', () => {
  analyzerTable(destinationRuleAnalyzer, path.join(FIXTURES, 'virtualservice/destination-rule-analyzer'), [
    {
      name: 'unknown subsets in routes and mirrors; short names and FQDNs are one host',
      files: ['subsets.yaml'],
      expected: [
        { code: 'IST0101', origin: 'VirtualService shop/cart-beta', line: 51 },
        { code: 'IST0101', origin: 'VirtualService shop/cart-beta', line: 54 },
      ],
    },
    {
      name: 'namespace-less manifests pair short hosts with their DestinationRule',
      files: ['namespaceless.yaml'],
      expected: [{ code: 'IST0101', origin: 'VirtualService reviews-next', line: 37 }],
    },
  ]);
});
