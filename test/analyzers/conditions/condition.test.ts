import path from 'node:path';
import { describe } from 'vitest';
import condition from '../../../src/analyzers/conditions/condition.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('conditions.ConditionAnalyzer', () => {
  analyzerTable(condition, path.join(FIXTURES, 'conditions/condition'), [
    {
      name: 'negative Istio and Gateway API conditions; other controllers and True conditions ignored',
      files: ['status.yaml'],
      expected: [
        { code: 'IST0171', origin: 'Service bookstore/reviews', line: 15 },
        { code: 'IST0171', origin: 'AuthorizationPolicy bookstore/reviews-viewers', line: 61 },
        { code: 'IST0171', origin: 'Gateway bookstore/bookstore-waypoint', line: 83 },
        { code: 'IST0171', origin: 'HTTPRoute bookstore/reviews-split', line: 111 },
      ],
    },
  ]);
});
