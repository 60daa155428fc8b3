import path from 'node:path';
import { describe } from 'vitest';
import { analyzer } from '../../../src/analyzers/serviceentry/analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const dir = path.join(FIXTURES, 'serviceentry/analyzer');

describe('serviceentry.Analyzer', () => {
  analyzerTable(analyzer, dir, [
    {
      name: 'each TCP port (any case, or no protocol) of an address-less ServiceEntry',
      files: ['addresses.yaml'],
      expected: [
        { code: 'IST0134', origin: 'ServiceEntry shop/legacy-mainframe', line: 13 },
        { code: 'IST0134', origin: 'ServiceEntry shop/legacy-mainframe', line: 16 },
      ],
    },
    {
      name: 'nothing when the DNS proxy captures and auto-allocates addresses',
      files: ['addresses.yaml'],
      mesh: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_META_DNS_AUTO_ALLOCATE: 'true' } } },
      expected: [],
    },
    {
      name: 'DNS capture alone allocates nothing',
      files: ['addresses.yaml'],
      mesh: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } } },
      expected: [
        { code: 'IST0134', origin: 'ServiceEntry shop/legacy-mainframe', line: 13 },
        { code: 'IST0134', origin: 'ServiceEntry shop/legacy-mainframe', line: 16 },
      ],
    },
  ]);
});
