import path from 'node:path';
import { describe } from 'vitest';
import { caCertificateAnalyzer } from '../../../src/analyzers/destinationrule/ca-certificate-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('destinationrule.CaCertificateAnalyzer', () => {
  analyzerTable(caCertificateAnalyzer, path.join(FIXTURES, 'destinationrule/ca-certificate-analyzer'), [
    {
      name: 'SIMPLE/MUTUAL without caCertificates, at destination and port level',
      files: ['tls-origination.yaml'],
      expected: [
        { code: 'IST0128', origin: 'DestinationRule shop/payments-api', line: 24 },
        { code: 'IST0129', origin: 'DestinationRule shop/ledger', line: 44 },
      ],
    },
  ]);
});
