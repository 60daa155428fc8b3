import path from 'node:path';
import { describe, expect, it } from 'vitest';
import analyzer, { namespaceMatches } from '../../../src/analyzers/auth/authorization-policies-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';
import { runPipeline } from '../../../src/analysis/pipeline.js';
import { defaultMeshConfig } from '../../../src/analysis/mesh-config.js';
import { parseText, type LoadedObject } from '../../../src/resources/loader.js';

describe('auth.AuthorizationPoliciesAnalyzer', () => {
  analyzerTable(analyzer, path.join(FIXTURES, 'auth/authorization-policies-analyzer'), [
    {
      name: 'selectors matching no workload, policies in empty namespaces, unknown source namespaces',
      files: ['policies.yaml'],
      expected: [
        { code: 'IST0101', origin: 'AuthorizationPolicy shop/cart-from-frontend', line: 75 },
        { code: 'IST0127', origin: 'AuthorizationPolicy shop/wishlist-deny' },
        { code: 'IST0101', origin: 'AuthorizationPolicy shop/wishlist-deny', line: 90 },
        { code: 'IST0127', origin: 'AuthorizationPolicy empty/deny-all' },
        { code: 'IST0127', origin: 'AuthorizationPolicy istio-system/canary-only' },
      ],
    },
  ]);

  it('without pods or namespaces in the input, a policy is not reported', () => {
    const objects: LoadedObject[] = [];
    parseText('apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  selector: {matchLabels: {app: cart}}\n  rules: [{from: [{source: {namespaces: [frontend]}}]}]\n', 'p.yaml', objects, []);
    const mesh = defaultMeshConfig();
    const result = runPipeline({ objects }, { allNamespaces: true, namespace: 'default', istioNamespace: 'istio-system', meshConfig: mesh, addDefaults: true, analyzers: [analyzer] });
    expect(result.findings).toEqual([]);
  });
});

describe('source namespace patterns', () => {
  it.each([
    ['shop', '*', true],
    ['shop-staging', 'shop-*', true],
    ['shop-staging', '*-staging', true],
    ['shop', 'SHOP', true],
    ['shop', 'shop-*', false],
    ['qa', 'qa-*', false],
  ] as const)('%s vs %s → %s', (ns, exp, want) => expect(namespaceMatches(ns, exp)).toBe(want));
});
