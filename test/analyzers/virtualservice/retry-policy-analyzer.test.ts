import path from 'node:path';
import { describe } from 'vitest';
import { retryPolicyAnalyzer } from '../../../src/analyzers/virtualservice/retry-policy-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('virtualservice.RetryPolicyAnalyzer', () => {
  analyzerTable(retryPolicyAnalyzer, path.join(FIXTURES, 'virtualservice/retry-policy-analyzer'), [
    {
      name: 'retries past the timeout, POST retried on 5xx, abort with retries; GET, pre-processing retries and delays pass',
      files: ['retries.yaml'],
      expected: [
        { code: 'ITS0010', origin: 'VirtualService shop/checkout', line: 18 },
        { code: 'ITS0011', origin: 'VirtualService shop/checkout', line: 19 },
        { code: 'ITS0013', origin: 'VirtualService shop/checkout', line: 26 },
      ],
    },
  ]);
});
