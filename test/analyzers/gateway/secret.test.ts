import path from 'node:path';
import { describe } from 'vitest';
import secret from '../../../src/analyzers/gateway/secret.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('gateway.SecretAnalyzer', () => {
  analyzerTable(secret, path.join(FIXTURES, 'gateway/secret'), [
    {
      name: 'credentials looked up in the gateway workload namespace and validated',
      files: ['credentials.yaml'],
      expected: [
        { code: 'IST0161', origin: 'Gateway shop/legacy', line: 108 },
        { code: 'IST0161', origin: 'Gateway shop/next', line: 121 },
        { code: 'IST0161', origin: 'Gateway shop/broken', line: 134 },
        { code: 'IST0161', origin: 'Gateway shop/broken', line: 137 },
        { code: 'IST0101', origin: 'Gateway shop/checkout', line: 151 },
      ],
    },
    {
      name: 'a selector matching no workload is reported instead of the credential',
      files: ['dangling-selector.yaml'],
      expected: [{ code: 'IST0101', origin: 'Gateway istio-egress/partner-egress', line: 34 }],
    },
    {
      name: 'does not run when the input has no Secrets',
      files: ['no-secrets.yaml'],
      expected: [],
      skipped: true,
    },
  ]);
});
