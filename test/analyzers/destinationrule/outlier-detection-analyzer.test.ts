import path from 'node:path';
import { describe } from 'vitest';
import { outlierDetectionAnalyzer } from '../../../src/analyzers/destinationrule/outlier-detection-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('destinationrule.OutlierDetectionAnalyzer', () => {
  analyzerTable(outlierDetectionAnalyzer, path.join(FIXTURES, 'destinationrule/outlier-detection-analyzer'), [
    {
      name: 'one 5xx or two gateway errors with 100% ejection; 50%, five errors and panic mode pass',
      files: ['outlier.yaml'],
      expected: [
        { code: 'ITS0009', origin: 'DestinationRule shop/payments-eject-all', line: 10 },
        { code: 'ITS0009', origin: 'DestinationRule shop/cart-port-eject-all' },
      ],
    },
  ]);
});
