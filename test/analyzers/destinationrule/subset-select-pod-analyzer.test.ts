import path from 'node:path';
import { describe } from 'vitest';
import { subsetSelectPodAnalyzer } from '../../../src/analyzers/destinationrule/subset-select-pod-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('destinationrule.SubsetSelectPodAnalyzer', () => {
  analyzerTable(subsetSelectPodAnalyzer, path.join(FIXTURES, 'destinationrule/subset-select-pod-analyzer'), [
    {
      name: 'a subset no workload template matches, and a host nothing declares',
      files: ['subsets.yaml'],
      expected: [
        { code: 'IST0173', origin: 'DestinationRule shop/cart', line: 45 },
        { code: 'IST0174', origin: 'DestinationRule shop/wishlist', line: 56 },
      ],
    },
    {
      name: 'without Services or workloads only external hosts are judged',
      files: ['routing-only.yaml'],
      expected: [{ code: 'IST0174', origin: 'DestinationRule shop/vendor-api' }],
    },
    {
      name: 'subsets select by the node topology of the pod',
      files: ['topology.yaml'],
      expected: [{ code: 'IST0173', origin: 'DestinationRule shop/catalog', line: 47 }],
    },
  ]);
});
