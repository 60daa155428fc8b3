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
    {
      name: 'perTryTimeout with the default retryOn, without 5xx/gateway-error/reset, or with status codes only; 5xx, gateway-error, reset and no perTryTimeout pass',
      files: ['per-try-timeout.yaml'],
      expected: [
        { code: 'ITS0022', origin: 'VirtualService shop/default-retry-on', line: 14 },
        { code: 'ITS0022', origin: 'VirtualService shop/explicit-retry-on', line: 31 },
        { code: 'ITS0022', origin: 'VirtualService shop/status-codes-only', line: 47 },
        { code: 'ITS0010', origin: 'VirtualService shop/per-try-past-timeout', line: 92 },
      ],
    },
  ]);
});
