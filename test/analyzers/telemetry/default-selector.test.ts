import path from 'node:path';
import { describe } from 'vitest';
import defaultSelector from '../../../src/analyzers/telemetry/default-selector.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('telemetry.DefaultSelectorAnalyzer', () => {
  analyzerTable(defaultSelector, path.join(FIXTURES, 'telemetry/default-selector'), [
    {
      name: 'two namespace-wide Telemetries in one namespace; targetRefs and selectors do not count',
      files: ['defaults.yaml'],
      expected: [
        { code: 'IST0160', origin: 'Telemetry shop/shop-tracing', line: 13 },
        { code: 'IST0160', origin: 'Telemetry shop/shop-metrics', line: 22 },
      ],
    },
  ]);
});
