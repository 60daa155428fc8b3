import path from 'node:path';
import { describe } from 'vitest';
import { requestPrincipalsAnalyzer } from '../../../src/analyzers/auth/request-principals-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('auth.RequestPrincipalsAnalyzer', () => {
  analyzerTable(requestPrincipalsAnalyzer, path.join(FIXTURES, 'auth/request-principals-analyzer'), [
    {
      name: 'requestPrincipals and a request.auth claim on a workload without RequestAuthentication; covered workload and DENY pass',
      files: ['jwt.yaml'],
      expected: [
        { code: 'ITS0007', origin: 'AuthorizationPolicy shop/orders-require-jwt', line: 52 },
        { code: 'ITS0007', origin: 'AuthorizationPolicy shop/orders-admins' },
      ],
    },
    {
      name: 'without workloads in the input, a namespace with no RequestAuthentication at all',
      files: ['no-workloads.yaml'],
      expected: [{ code: 'ITS0007', origin: 'AuthorizationPolicy billing/require-jwt' }],
    },
  ]);
});
