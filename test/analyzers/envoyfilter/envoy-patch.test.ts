import path from 'node:path';
import { describe } from 'vitest';
import envoyPatch from '../../../src/analyzers/envoyfilter/envoy-patch.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('envoyfilter.EnvoyPatchAnalyzer', () => {
  analyzerTable(envoyPatch, path.join(FIXTURES, 'envoyfilter/envoy-patch'), [
    {
      name: 'misused operations, relative operations without priority, proxyVersion pinning',
      files: ['patches.yaml'],
      expected: [
        { code: 'IST0152', origin: 'EnvoyFilter bookinfo/reviews-misuse', line: 48 },
        { code: 'IST0153', origin: 'EnvoyFilter bookinfo/reviews-misuse', line: 59 },
        { code: 'IST0154', origin: 'EnvoyFilter bookinfo/reviews-misuse', line: 66 },
        { code: 'IST0151', origin: 'EnvoyFilter bookinfo/productpage-ext-authz', line: 91 },
        { code: 'IST0155', origin: 'EnvoyFilter bookinfo/productpage-ext-authz', line: 103 },
      ],
    },
  ]);
});
