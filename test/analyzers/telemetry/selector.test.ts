import path from 'node:path';
import { describe } from 'vitest';
import selector from '../../../src/analyzers/telemetry/selector.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('telemetry.SelectorAnalyzer', () => {
  analyzerTable(selector, path.join(FIXTURES, 'telemetry/selector'), [
    {
      name: 'overlapping and dangling selectors against workload templates',
      files: ['selectors.yaml'],
      expected: [
        { code: 'IST0159', origin: 'Telemetry shop/checkout-metrics' },
        { code: 'IST0159', origin: 'Telemetry shop/frontend-access-logs' },
        { code: 'IST0101', origin: 'Telemetry shop/payments-tracing', line: 75 },
      ],
    },
    {
      name: 'no dangling-selector verdict when the input has no workloads',
      files: ['config-only.yaml'],
      expected: [],
    },
  ]);
});
