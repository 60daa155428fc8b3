import path from 'node:path';
import { describe } from 'vitest';
import ingressGatewayPort from '../../../src/analyzers/gateway/ingress-gateway-port.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('gateway.IngressGatewayPortAnalyzer', () => {
  analyzerTable(ingressGatewayPort, path.join(FIXTURES, 'gateway/ingress-gateway-port'), [
    {
      name: 'ports checked against the default ingress gateway Service',
      files: ['default-ingress.yaml'],
      expected: [{ code: 'IST0162', origin: 'Gateway shop/admin', line: 38 }],
    },
    {
      name: 'custom gateway: named and numeric target ports, UDP ports, dangling selector',
      files: ['custom-gateway.yaml'],
      expected: [
        { code: 'IST0162', origin: 'Gateway partners/partner-legacy', line: 85 },
        { code: 'IST0162', origin: 'Gateway partners/partner-legacy', line: 94 },
        { code: 'IST0101', origin: 'Gateway partners/partner-typo', line: 108 },
      ],
    },
    {
      name: 'no verdict on ports when the gateway Service is not in the input',
      files: ['service-not-in-input.yaml'],
      expected: [],
    },
  ]);
});
