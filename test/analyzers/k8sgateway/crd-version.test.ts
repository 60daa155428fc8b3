import path from 'node:path';
import { describe, expect, it } from 'vitest';
import crdVersion, { formatVersion, parseVersion } from '../../../src/analyzers/k8sgateway/crd-version.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('k8sgateway.CRDVersionAnalyzer', () => {
  analyzerTable(crdVersion, path.join(FIXTURES, 'k8sgateway/crd-version'), [
    {
      name: 'Gateway API CRDs below the minimum bundle version',
      files: ['crds.yaml'],
      expected: [
        { code: 'IST0176', origin: 'CustomResourceDefinition tcproutes.gateway.networking.k8s.io', line: 6 },
        { code: 'IST0176', origin: 'CustomResourceDefinition grpcroutes.gateway.networking.k8s.io', line: 43 },
      ],
    },
    {
      name: 'does not run without CRDs in the input',
      files: ['no-crds.yaml'],
      expected: [],
      skipped: true,
    },
  ]);

  it.each([
    ['v1.4.1', '1.4.1'],
    ['1.5', '1.5.0'],
    ['v1.5.0-rc.2', '1.5.0-rc.2'],
    ['v1.2.0+build.7', '1.2.0+build.7'],
  ])('reads bundle version %s as %s', (raw, want) => {
    expect(formatVersion(parseVersion(raw)!)).toBe(want);
  });

  it('rejects versions that are not semver', () => {
    expect(parseVersion('latest')).toBeUndefined();
  });
});
