import path from 'node:path';
import { describe, expect, it } from 'vitest';
import analyzer, { goUrlHostname, lintWebhookUrl } from '../../../src/analyzers/externalcontrolplane/external-control-plane-analyzer.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

describe('externalcontrolplane.ExternalControlPlaneAnalyzer', () => {
  analyzerTable(analyzer, path.join(FIXTURES, 'externalcontrolplane/external-control-plane-analyzer'), [
    {
      name: 'IP address, blank and malformed webhook urls on the Istio webhooks only',
      files: ['remote-cluster.yaml'],
      expected: [
        { code: 'IST0164', origin: 'ValidatingWebhookConfiguration istio-validator-external-istiod', line: 11 },
        { code: 'IST0163', origin: 'MutatingWebhookConfiguration istio-sidecar-injector-external-istiod', line: 32 },
        { code: 'IST0163', origin: 'MutatingWebhookConfiguration istio-sidecar-injector-external-istiod', line: 43 },
      ],
    },
  ]);
});

describe('webhook url lint', () => {
  it.each([
    ['https://istiod.example.com:15017/inject', 'istiod.example.com', undefined],
    ['https://10.0.0.1:15017/inject', '10.0.0.1', 'ip'],
    ['https://[fd00::1]:15017/inject', 'fd00::1', 'ip'],
    ['https://istiod.example.com:abc/inject', undefined, 'was provided in an invalid format'],
    ['istiod.example.com/inject', '', 'cannot be resolved via a DNS lookup'],
    [':15017/inject', undefined, 'was provided in an invalid format'],
  ] as const)('%s', (url, host, problem) => {
    expect(goUrlHostname(url)).toBe(host);
    expect(lintWebhookUrl(url)).toBe(problem);
  });
});
