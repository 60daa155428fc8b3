import path from 'node:path';
import { describe } from 'vitest';
import selector from '../../../src/analyzers/k8sgateway/selector.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('k8sgateway.SelectorAnalyzer', () => {
  analyzerTable(selector, path.join(FIXTURES, 'k8sgateway/selector'), [
    {
      name: 'selectors that match Gateway API gateway pods; targetRefs and app selectors are fine',
      files: ['policies.yaml'],
      expected: [
        { code: 'IST0166', origin: 'AuthorizationPolicy shop/gateway-allow-internal', line: 32 },
        { code: 'IST0166', origin: 'Telemetry shop/gateway-access-logs', line: 75 },
      ],
    },
  ]);
});
