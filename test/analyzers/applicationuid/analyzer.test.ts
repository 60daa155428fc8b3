import path from 'node:path';
import { describe } from 'vitest';
import analyzer from '../../../src/analyzers/applicationuid/analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('applicationUID.Analyzer', () => {
  analyzerTable(analyzer, path.join(FIXTURES, 'deployment/analyzer'), [
    {
      name: 'UID 1337 on a pod, a Deployment container and a StatefulSet template; the proxy and gateways may use it',
      files: ['uids.yaml'],
      expected: [
        { code: 'IST0144', origin: 'Pod finance/ledger-0', line: 8 },
        { code: 'IST0144', origin: 'Deployment finance/billing', line: 47 },
        { code: 'IST0144', origin: 'StatefulSet finance/ledger-archive' },
      ],
    },
  ]);
});
