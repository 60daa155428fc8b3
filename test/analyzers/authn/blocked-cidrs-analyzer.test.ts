import path from 'node:path';
import { describe, expect, it } from 'vitest';
import analyzer from '../../../src/analyzers/authn/blocked-cidrs-analyzer.js';
import { analyzeFiles, analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const folder = path.join(FIXTURES, 'authn/blocked-cidrs-analyzer');

describe('authn.BlockedCIDRsAnalyzer', () => {
  analyzerTable(analyzer, folder, [
    {
      name: 'istiod without BLOCKED_CIDRS_IN_JWKS_URIS while a RequestAuthentication exists',
      files: ['istiod.yaml'],
      expected: [{ code: 'IST0175', origin: 'Deployment istio-system/istiod' }],
    },
  ]);

  it('lists the RequestAuthentications', () => {
    const [d] = analyzeFiles(analyzer, [path.join(folder, 'istiod.yaml')]);
    expect(d?.message).toContain('but 1 RequestAuthentication resource(s) exist (shop/partner-jwt)');
  });
});
