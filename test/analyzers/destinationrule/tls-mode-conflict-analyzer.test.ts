import path from 'node:path';
import { describe } from 'vitest';
import { tlsModeConflictAnalyzer } from '../../../src/analyzers/destinationrule/tls-mode-conflict-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('destinationrule.TlsModeConflictAnalyzer', () => {
  analyzerTable(tlsModeConflictAnalyzer, path.join(FIXTURES, 'destinationrule/tls-mode-conflict-analyzer'), [
    {
      name: 'DISABLE and a SIMPLE subset towards mesh-wide STRICT; ISTIO_MUTUAL and a port-level PERMISSIVE override pass',
      files: ['mtls.yaml'],
      expected: [
        { code: 'ITS0005', origin: 'DestinationRule shop/ratings-plaintext', line: 98 },
        { code: 'ITS0005', origin: 'DestinationRule shop/ratings-subset-simple' },
      ],
    },
    { name: 'plaintext towards a PERMISSIVE workload is fine', files: ['permissive.yaml'], expected: [] },
  ]);
});
