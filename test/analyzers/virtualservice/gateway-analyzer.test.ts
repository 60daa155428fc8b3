import path from 'node:path';
import { describe } from 'vitest';
import { gatewayAnalyzer } from '../../../src/analyzers/virtualservice/gateway-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('virtualservice.GatewayAnalyzer', () => {
  analyzerTable(gatewayAnalyzer, path.join(FIXTURES, 'virtualservice/gateway-analyzer'), [
    {
      name: 'a missing gateway is reported, and its hosts cannot be served',
      files: ['missing-gateway.yaml'],
      expected: [
        { code: 'IST0101', origin: 'VirtualService shop/checkout', line: 49 },
        { code: 'IST0132', origin: 'VirtualService shop/checkout' },
      ],
    },
    {
      name: '"./" hosts serve only the gateway namespace, "*/" hosts every namespace',
      files: ['namespace-scoped-hosts.yaml'],
      expected: [{ code: 'IST0132', origin: 'VirtualService shop/shop-front', line: 59 }],
    },
    {
      name: 'hosts are matched against Gateway API listener hostnames',
      files: ['kubernetes-gateway.yaml'],
      expected: [{ code: 'IST0132', origin: 'VirtualService shop/legacy-api' }],
    },
    {
      name: 'a reference to an istiod-generated gateway is flagged',
      files: ['internal-gateway.yaml'],
      expected: [{ code: 'IST0165', origin: 'VirtualService shop/api', line: 12 }],
    },
  ]);
});
