import path from 'node:path';
import { describe } from 'vitest';
import { strictMtlsClientsAnalyzer } from '../../../src/analyzers/authn/strict-mtls-clients-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('authn.StrictMtlsClientsAnalyzer', () => {
  analyzerTable(strictMtlsClientsAnalyzer, path.join(FIXTURES, 'authn/strict-mtls-clients-analyzer'), [
    {
      name: 'namespace STRICT with an opted-out CronJob; PERMISSIVE namespace without sidecars passes',
      files: ['clients.yaml'],
      expected: [{ code: 'ITS0006', origin: 'PeerAuthentication shop/default' }],
    },
    {
      name: 'mesh-wide STRICT with a namespace that is not injected',
      files: ['mesh-wide.yaml'],
      expected: [{ code: 'ITS0006', origin: 'PeerAuthentication istio-system/default' }],
    },
  ]);
});
