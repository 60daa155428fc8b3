import { describe, expect, it } from 'vitest';
import { injectorPolicies, namespaceLabels, parseLabelPairs, parseTarget, podTemplateOf, TargetError } from '../../src/inject/check.js';

describe('check-inject targets: [<type>/]<name>[.<namespace>]', () => {
  const rows: { arg: string; expected: ReturnType<typeof parseTarget> | RegExp }[] = [
    { arg: 'productpage-v1-7d4b8c9f-x2x7q', expected: { kind: 'Pod', name: 'productpage-v1-7d4b8c9f-x2x7q' } },
    { arg: 'productpage-v1-7d4b8c9f-x2x7q.bookinfo', expected: { kind: 'Pod', name: 'productpage-v1-7d4b8c9f-x2x7q', namespace: 'bookinfo' } },
    { arg: 'deploy/reviews-v2', expected: { kind: 'Deployment', name: 'reviews-v2' } },
    { arg: 'deployment.apps/reviews-v2.bookinfo', expected: { kind: 'Deployment', name: 'reviews-v2', namespace: 'bookinfo' } },
    { arg: 'sts/ledger-db.payments', expected: { kind: 'StatefulSet', name: 'ledger-db', namespace: 'payments' } },
    { arg: 'cj/nightly', expected: { kind: 'CronJob', name: 'nightly' } },
    // a namespace name has no ".<namespace>" part
    { arg: 'ns/team.a', expected: { kind: 'Namespace', name: 'team.a' } },
    { arg: 'service/reviews', expected: /unsupported resource type "service"/ },
    { arg: 'pod/', expected: /missing a name/ },
  ];
  for (const r of rows) {
    it(r.arg, () => {
      if (r.expected instanceof RegExp) {
        expect(() => parseTarget(r.arg)).toThrow(TargetError);
        expect(() => parseTarget(r.arg)).toThrow(r.expected);
      } else expect(parseTarget(r.arg)).toEqual(r.expected);
    });
  }
});

describe('-l label pairs', () => {
  it('reads k=v pairs, tolerating spaces, k==v and a trailing comma', () => {
    expect(parseLabelPairs('app=web, version==v1,')).toEqual({ app: 'web', version: 'v1' });
  });
  it('an empty value is a label too', () => expect(parseLabelPairs('canary=')).toEqual({ canary: '' }));
  it('rejects a bare key', () => expect(() => parseLabelPairs('app')).toThrow(/expected key=value pairs/));
});

describe('inputs from Kubernetes objects', () => {
  it('namespaces carry kubernetes.io/metadata.name as the API server adds it', () => {
    expect(namespaceLabels('shop', { metadata: { labels: { 'istio-injection': 'enabled' } } })).toEqual({ 'istio-injection': 'enabled', 'kubernetes.io/metadata.name': 'shop' });
    expect(namespaceLabels('ghost', undefined)).toEqual({ 'kubernetes.io/metadata.name': 'ghost' });
  });
  it("a CronJob's pod is its job template's pod template", () => {
    const t = podTemplateOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'x' } }, spec: { hostNetwork: true } } } } } });
    expect(t).toEqual({ metadata: { labels: { app: 'x' } }, spec: { hostNetwork: true } });
    expect(podTemplateOf({ kind: 'Deployment', spec: {} })).toBeUndefined();
  });
  it('injector policies by revision from ConfigMap names; a broken config is reported, not fatal', () => {
    const { policies, problems } = injectorPolicies([
      { kind: 'ConfigMap', metadata: { namespace: 'istio-system', name: 'istio-sidecar-injector-canary' }, data: { config: 'policy: disabled\nneverInjectSelector: [{matchLabels: {batch: "true"}}]\n' } },
      { kind: 'ConfigMap', metadata: { namespace: 'istio-system', name: 'istio-sidecar-injector' }, data: { config: 'policy: [' } },
      { kind: 'ConfigMap', metadata: { namespace: 'istio-system', name: 'istio' }, data: { mesh: '{}' } },
    ]);
    expect([...policies.entries()]).toEqual([['canary', { policy: 'disabled', neverInjectSelector: [{ matchLabels: { batch: 'true' } }], alwaysInjectSelector: [] }]]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ConfigMap istio-system\/istio-sidecar-injector: data\.config is not valid YAML/);
  });
});
