import path from 'node:path';
import { describe } from 'vitest';
import certificate from '../../../src/analyzers/gateway/certificate.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('gateway.CertificateAnalyzer', () => {
  analyzerTable(certificate, path.join(FIXTURES, 'gateway/certificate'), [
    {
      name: 'one certificate served by several gateways on the same workload',
      files: ['duplicates.yaml'],
      expected: [
        { code: 'IST0138', origin: 'Gateway shop/storefront', line: 4 },
        { code: 'IST0138', origin: 'Gateway marketing/blog', line: 18 },
        { code: 'IST0138', origin: 'Gateway legacy/legacy-a', line: 60 },
        { code: 'IST0138', origin: 'Gateway legacy/legacy-b', line: 76 },
      ],
    },
  ]);
});
