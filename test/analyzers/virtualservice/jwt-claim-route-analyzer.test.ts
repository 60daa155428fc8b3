import path from 'node:path';
import { describe } from 'vitest';
import { jwtClaimRouteAnalyzer } from '../../../src/analyzers/virtualservice/jwt-claim-route-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('virtualservice.JWTClaimRouteAnalyzer', () => {
  analyzerTable(jwtClaimRouteAnalyzer, path.join(FIXTURES, 'virtualservice/jwt-claim-route-analyzer'), [
    {
      name: 'claim routing on a gateway whose pods no RequestAuthentication covers',
      files: ['claims.yaml'],
      expected: [{ code: 'IST0149', origin: 'VirtualService partners/partner-orders' }],
    },
  ]);
});
