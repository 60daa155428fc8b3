import path from 'node:path';
import { describe } from 'vitest';
import { apiVersionAnalyzer } from '../../../src/analyzers/workload/api-version-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('workload.ApiVersionAnalyzer', () => {
  analyzerTable(apiVersionAnalyzer, path.join(FIXTURES, 'workload/api-version-analyzer'), [
    {
      name: 'apps/v1beta1, extensions/v1beta1 and batch/v1beta1 workloads; apps/v1 passes',
      files: ['versions.yaml'],
      expected: [
        { code: 'ITS0017', origin: 'Deployment shop/reviews', line: 2 },
        { code: 'ITS0017', origin: 'DaemonSet ops/node-agent' },
        { code: 'ITS0017', origin: 'CronJob shop/report' },
      ],
    },
  ]);
});
