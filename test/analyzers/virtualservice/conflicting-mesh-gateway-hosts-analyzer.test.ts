import path from 'node:path';
import { describe } from 'vitest';
import { conflictingMeshGatewayHostsAnalyzer } from '../../../src/analyzers/virtualservice/conflicting-mesh-gateway-hosts-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer', () => {
  analyzerTable(conflictingMeshGatewayHostsAnalyzer, path.join(FIXTURES, 'virtualservice/conflicting-mesh-gateway-hosts-analyzer'), [
    {
      name: 'mesh VirtualServices sharing a host (short name and FQDN alike)',
      files: ['conflicts.yaml'],
      expected: [
        { code: 'IST0109', origin: 'VirtualService shop/cart-retries' },
        { code: 'IST0109', origin: 'VirtualService shop/cart-timeouts' },
      ],
    },
    {
      name: 'namespace-private hosts meet only hosts exported everywhere',
      files: ['export-scopes.yaml'],
      expected: [
        { code: 'IST0109', origin: 'VirtualService team-a/vendor-timeouts' },
        { code: 'IST0109', origin: 'VirtualService team-b/vendor-timeouts' },
        { code: 'IST0109', origin: 'VirtualService platform/vendor-global' },
      ],
    },
  ]);
});
