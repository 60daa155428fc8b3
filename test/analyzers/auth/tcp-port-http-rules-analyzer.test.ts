import path from 'node:path';
import { describe } from 'vitest';
import { tcpPortHttpRulesAnalyzer } from '../../../src/analyzers/auth/tcp-port-http-rules-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('auth.TcpPortHttpRulesAnalyzer', () => {
  analyzerTable(tcpPortHttpRulesAnalyzer, path.join(FIXTURES, 'auth/tcp-port-http-rules-analyzer'), [
    {
      name: 'methods (ALLOW) and paths (DENY) on a TCP-only workload; ports on TCP and methods on HTTP pass',
      files: ['tcp.yaml'],
      expected: [
        { code: 'ITS0008', origin: 'AuthorizationPolicy shop/redis-allow-get' },
        { code: 'ITS0008', origin: 'AuthorizationPolicy shop/redis-deny-admin' },
      ],
    },
  ]);
});
