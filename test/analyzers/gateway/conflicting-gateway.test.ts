import path from 'node:path';
import { describe } from 'vitest';
import conflictingGateway from '../../../src/analyzers/gateway/conflicting-gateway.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('gateway.ConflictingGatewayAnalyzer', () => {
  analyzerTable(conflictingGateway, path.join(FIXTURES, 'gateway/conflicting-gateway'), [
    {
      name: 'same selector, port and host conflict; other hosts and bind addresses do not',
      files: ['conflicts.yaml'],
      expected: [
        { code: 'IST0145', origin: 'Gateway shop/storefront' },
        { code: 'IST0145', origin: 'Gateway shop/storefront-canary' },
      ],
    },
    {
      name: 'a selector with no servers behind it',
      files: ['no-servers.yaml'],
      expected: [{ code: 'IST0101', origin: 'Gateway shop/retired', line: 9 }],
    },
  ]);
});
