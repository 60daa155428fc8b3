import path from 'node:path';
import { describe } from 'vitest';
import selector from '../../../src/analyzers/sidecar/selector.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('sidecar.SelectorAnalyzer', () => {
  analyzerTable(selector, path.join(FIXTURES, 'sidecar/selector'), [
    {
      name: 'overlapping, dangling and duplicate namespace-wide Sidecars',
      files: ['selectors.yaml'],
      expected: [
        { code: 'IST0110', origin: 'Sidecar payments/ledger-egress' },
        { code: 'IST0110', origin: 'Sidecar payments/ledger-v2-debug' },
        { code: 'IST0101', origin: 'Sidecar payments/settlement-egress', line: 70 },
        { code: 'IST0111', origin: 'Sidecar payments/default' },
        { code: 'IST0111', origin: 'Sidecar payments/restrict-egress' },
      ],
    },
    {
      name: 'Sidecars have no effect on ambient pods and namespaces',
      files: ['ambient.yaml'],
      expected: [
        { code: 'IST0167', origin: 'Sidecar catalog/default' },
        { code: 'IST0167', origin: 'Sidecar catalog/search' },
        { code: 'IST0111', origin: 'Sidecar inventory/default' },
        { code: 'IST0111', origin: 'Sidecar inventory/legacy-default' },
      ],
    },
    {
      name: 'no pod verdicts when the input has no workloads',
      files: ['config-only.yaml'],
      expected: [],
    },
  ]);
});
