import path from 'node:path';
import { describe, expect, it } from 'vitest';
import imageAnalyzer from '../../../src/analyzers/injection/image-analyzer.js';
import { analyzeFiles, analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const folder = path.join(FIXTURES, 'injection/image-analyzer');

describe('injection.ImageAnalyzer', () => {
  analyzerTable(imageAnalyzer, folder, [
    {
      name: 'stale proxy in an injected namespace; current, overridden, distroless and uninjected-namespace pods are quiet',
      files: ['upgrade.yaml'],
      expected: [{ code: 'IST0158', origin: 'Namespace shop' }],
    },
    {
      name: 'a mesh-wide distroless default still accepts the plain image',
      files: ['upgrade.yaml'],
      mesh: { defaultConfig: { image: { imageType: 'distroless' } } },
      expected: [{ code: 'IST0158', origin: 'Namespace shop' }],
    },
  ]);

  it('names only the stale pods', () => {
    const [d] = analyzeFiles(imageAnalyzer, [path.join(folder, 'upgrade.yaml')]);
    expect(d?.message).toContain('(pod names: [checkout-5f8d7b9c4-q8r2t])');
  });
});
