import path from 'node:path';
import { describe, expect, it } from 'vitest';
import analyzer from '../../../src/analyzers/webhook/analyzer.js';
import { analyzeFiles, analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const folder = path.join(FIXTURES, 'webhook/analyzer');

describe('webhook.Analyzer', () => {
  analyzerTable(analyzer, folder, [
    {
      name: 'two injectors serving the same pods, and an injector whose Service is missing',
      files: ['webhooks.yaml'],
      expected: [
        { code: 'IST0139', origin: 'MutatingWebhookConfiguration istio-sidecar-injector', line: 20 },
        { code: 'IST0139', origin: 'MutatingWebhookConfiguration istio-sidecar-injector-canary', line: 48 },
        { code: 'IST0139', origin: 'MutatingWebhookConfiguration istio-sidecar-injector-canary', line: 53 },
      ],
    },
  ]);

  it('says which webhooks overlap and which Service is missing', () => {
    const messages = analyzeFiles(analyzer, [path.join(folder, 'webhooks.yaml')]).map((d) => d.message);
    expect(messages).toContain(
      'Webhook overlaps with others: [istio-sidecar-injector-canary/rev.namespace.sidecar-injector.istio.io]. This may cause injection to occur twice.',
    );
    expect(messages).toContain('Injector refers to a control plane service that does not exist: istio-system/istiod-canary.');
  });
});
