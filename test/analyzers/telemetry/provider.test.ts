import path from 'node:path';
import { describe } from 'vitest';
import provider from '../../../src/analyzers/telemetry/provider.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('telemetry.ProviderAnalyzer', () => {
  analyzerTable(provider, path.join(FIXTURES, 'telemetry/provider'), [
    {
      name: 'access logging without providers and without a mesh default',
      files: ['access-logging.yaml'],
      expected: [{ code: 'IST0157', origin: 'Telemetry payments/payments-logs', line: 18 }],
    },
    {
      name: 'the mesh default access-log provider fills in',
      files: ['access-logging.yaml'],
      mesh: { defaultProviders: { accessLogging: ['envoy'] } },
      expected: [],
    },
  ]);
});
