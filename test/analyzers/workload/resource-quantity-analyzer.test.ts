import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceQuantityAnalyzer, suspiciousQuantity } from '../../../src/analyzers/workload/resource-quantity-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('workload.ResourceQuantityAnalyzer', () => {
  analyzerTable(resourceQuantityAnalyzer, path.join(FIXTURES, 'workload/resource-quantity-analyzer'), [
    {
      name: 'bare and milli memory, bare cores, a sidecar annotation; real units pass',
      files: ['units.yaml'],
      expected: [
        { code: 'ITS0019', origin: 'Deployment shop/reviews', line: 13 },
        { code: 'ITS0019', origin: 'Deployment shop/reviews', line: 23 },
        { code: 'ITS0019', origin: 'Deployment shop/reviews', line: 25 },
        { code: 'ITS0019', origin: 'Deployment shop/reviews', line: 28 },
      ],
    },
  ]);

  it.each([
    ['memory', '200', '200Mi'],
    ['memory', '512m', '512Mi'],
    ['cpu', '500', '500m'],
  ] as const)('%s %s suggests %s', (r, v, want) => expect(suspiciousQuantity(r, v)?.suggestion).toBe(want));

  it.each([
    ['memory', '64Mi'],
    ['memory', '1G'],
    ['memory', '268435456'],
    ['cpu', '2'],
    ['cpu', '250m'],
    ['cpu', '0.5'],
  ] as const)('%s %s is fine', (r, v) => expect(suspiciousQuantity(r, v)).toBeUndefined());
});
