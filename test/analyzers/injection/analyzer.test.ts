import path from 'node:path';
import { describe } from 'vitest';
import analyzer from '../../../src/analyzers/injection/analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('injection.Analyzer', () => {
  analyzerTable(analyzer, path.join(FIXTURES, 'injection/analyzer'), [
    {
      name: 'unlabelled namespace, competing labels, pod without proxy; opt-outs, host network and templates are quiet',
      files: ['storefront.yaml'],
      expected: [
        { code: 'IST0102', origin: 'Namespace legacy', line: 12 },
        { code: 'IST0123', origin: 'Namespace payments' },
        { code: 'IST0103', origin: 'Pod shop/checkout-5f8d7b9c4-q8r2t' },
      ],
    },
    {
      name: 'enableNamespacesByDefault turns "not injected" into "injected by default"',
      files: ['storefront.yaml', 'injector-namespaces-by-default.yaml'],
      expected: [
        { code: 'IST0148', origin: 'Namespace legacy' },
        { code: 'IST0123', origin: 'Namespace payments' },
        { code: 'IST0103', origin: 'Pod shop/checkout-5f8d7b9c4-q8r2t' },
      ],
    },
  ]);
});
