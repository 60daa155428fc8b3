import path from 'node:path';
import { describe } from 'vitest';
import { destinationHostAnalyzer } from '../../../src/analyzers/virtualservice/destination-host-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('virtualservice.DestinationHostAnalyzer', () => {
  analyzerTable(destinationHostAnalyzer, path.join(FIXTURES, 'virtualservice/destination-host-analyzer'), [
    {
      name: 'unknown hosts, ambiguous and wrong ports, unknown mirror hosts',
      files: ['hosts.yaml'],
      expected: [
        { code: 'IST0101', origin: 'VirtualService shop/broken', line: 81 },
        { code: 'IST0112', origin: 'VirtualService shop/broken', line: 83 },
        { code: 'IST0101', origin: 'VirtualService shop/broken', line: 85 },
        { code: 'IST0101', origin: 'VirtualService shop/broken', line: 89 },
      ],
    },
    {
      name: 'without Services in the input only non-Kubernetes hosts are judged',
      files: ['no-services.yaml'],
      expected: [{ code: 'IST0101', origin: 'VirtualService shop/storefront', line: 17 }],
    },
    {
      name: 'a gateway route without subset to a host routed by subsets elsewhere',
      files: ['ingress-subset.yaml'],
      expected: [{ code: 'IST0140', origin: 'VirtualService shop/cart-ingress', line: 59 }],
    },
  ]);
});
