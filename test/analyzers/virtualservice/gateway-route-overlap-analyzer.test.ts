import path from 'node:path';
import { describe } from 'vitest';
import { gatewayRouteOverlapAnalyzer } from '../../../src/analyzers/virtualservice/gateway-route-overlap-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('virtualservice.GatewayRouteOverlapAnalyzer', () => {
  analyzerTable(gatewayRouteOverlapAnalyzer, path.join(FIXTURES, 'virtualservice/gateway-route-overlap-analyzer'), [
    {
      name: 'a prefix in one VirtualService covers a route of another on the same gateway host; disjoint paths and other gateways pass',
      files: ['overlap.yaml'],
      expected: [{ code: 'ITS0014', origin: 'VirtualService payments/payments-api', line: 25 }],
    },
  ]);
});
