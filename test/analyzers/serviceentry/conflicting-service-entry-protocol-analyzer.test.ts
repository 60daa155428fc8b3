import path from 'node:path';
import { describe } from 'vitest';
import { conflictingServiceEntryProtocolAnalyzer } from '../../../src/analyzers/serviceentry/conflicting-service-entry-protocol-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('serviceentry.ConflictingServiceEntryProtocolAnalyzer', () => {
  analyzerTable(conflictingServiceEntryProtocolAnalyzer, path.join(FIXTURES, 'serviceentry/conflicting-service-entry-protocol-analyzer'), [
    {
      name: 'same host and port, HTTPS in one and TLS in the other',
      files: ['protocols.yaml'],
      expected: [
        { code: 'IST0177', origin: 'ServiceEntry shop/payments-https', line: 5 },
        { code: 'IST0177', origin: 'ServiceEntry billing/payments-tls', line: 20 },
      ],
    },
    {
      name: 'entries private to different namespaces never meet',
      files: ['export-scopes.yaml'],
      expected: [],
    },
  ]);
});
