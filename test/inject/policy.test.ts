import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { injectorPolicies, webhookConfigurationOf } from '../../src/inject/check.js';
import { checkInjection, DEFAULT_INJECTOR_POLICY, evaluateSelector, type InjectionSubject, type Rule, type WebhookConfiguration } from '../../src/inject/policy.js';

type Obj = Record<string, unknown>;
const dir = new URL('../../fixtures/inject/check-inject/', import.meta.url);
const load = (f: string): Obj[] => parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((d) => d.toJS() as Obj);

const CLUSTER = load('webhooks.yaml').map(webhookConfigurationOf);
const TAG_DEFAULT = load('webhooks-tag-default.yaml').map(webhookConfigurationOf);
const { policies, problems: policyProblems } = injectorPolicies(load('injector-configmaps.yaml'));

const DEF = 'istio-sidecar-injector';
const R26 = 'istio-sidecar-injector-1-26';
const R27 = 'istio-sidecar-injector-1-27';
const PROD = 'istio-revision-tag-prod';
const NO_DEF = 'No matching namespace labels (istio.io/rev=default, istio-injection=enabled) or pod labels (istio.io/rev=default, sidecar.istio.io/inject=true)';
const NO_27 = 'No matching namespace labels (istio.io/rev=1-27) or pod labels (istio.io/rev=1-27)';
const NO_PROD = 'No matching namespace labels (istio.io/rev=prod) or pod labels (istio.io/rev=prod)';
const DEACTIVATED = 'The injection webhook is deactivated, and will never match labels.';

type Row = [webhook: string, injected: boolean, rule: Rule, reason: string];

interface Case {
  name: string;
  namespace?: string;
  nsLabels?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
  webhooks?: WebhookConfiguration[];
  /** Every verdict, in output order (sorted by webhook name). */
  expected: Row[];
  problems?: string[];
  notes?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'plain namespace and pod: no webhook matches',
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'webhook-selectors', NO_DEF],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'istio-injection=enabled: the default revision injects',
    nsLabels: { 'istio-injection': 'enabled' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, true, 'webhook-selectors', 'Namespace label istio-injection=enabled matches'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'istio-injection=disabled beats a revision pod label',
    nsLabels: { 'istio-injection': 'disabled' },
    labels: { 'istio.io/rev': '1-27' },
    expected: [
      [PROD, false, 'webhook-selectors', 'Namespace has istio-injection=disabled label, preventing injection'],
      [DEF, false, 'webhook-selectors', 'Namespace has istio-injection=disabled label, preventing injection'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', 'Namespace has istio-injection=disabled label, preventing injection'],
    ],
  },
  {
    name: 'namespace istio.io/rev=1-27: the webhook is called but that revision\'s policy is disabled',
    nsLabels: { 'istio.io/rev': '1-27' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'webhook-selectors', NO_DEF],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'policy', 'Injector policy is disabled and the pod does not set sidecar.istio.io/inject=true'],
    ],
  },
  {
    name: 'policy disabled, but the pod annotation asks for injection',
    nsLabels: { 'istio.io/rev': '1-27' },
    annotations: { 'sidecar.istio.io/inject': 'true' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'webhook-selectors', NO_DEF],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, true, 'inject-annotation', 'Namespace label istio.io/rev=1-27 matches; pod annotation sidecar.istio.io/inject=true asks for injection'],
    ],
  },
  {
    name: 'revision tag prod on the namespace, pod in alwaysInjectSelector of revision 1-27',
    nsLabels: { 'istio.io/rev': 'prod' },
    labels: { 'app.kubernetes.io/part-of': 'payments' },
    expected: [
      [PROD, true, 'always-inject-selector', 'Namespace label istio.io/rev=prod matches; pod labels match alwaysInjectSelector app.kubernetes.io/part-of=payments of the injector config'],
      [DEF, false, 'webhook-selectors', NO_DEF],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'pod label istio.io/rev=1-27 in a plain namespace keeps the default webhook out',
    labels: { 'istio.io/rev': '1-27' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'webhook-selectors', 'Pod has istio.io/rev=1-27 label, preventing injection'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'policy', 'Injector policy is disabled and the pod does not set sidecar.istio.io/inject=true'],
    ],
  },
  {
    name: 'pod label sidecar.istio.io/inject=true in a plain namespace: the default object webhook',
    labels: { 'sidecar.istio.io/inject': 'true' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, true, 'inject-label', 'Pod label sidecar.istio.io/inject=true matches'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'pod label sidecar.istio.io/inject=false in an enabled namespace',
    nsLabels: { 'istio-injection': 'enabled' },
    labels: { 'sidecar.istio.io/inject': 'false' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'webhook-selectors', 'Pod has sidecar.istio.io/inject=false label, preventing injection'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'the annotation sidecar.istio.io/inject=false passes the webhook; istiod skips',
    nsLabels: { 'istio-injection': 'enabled' },
    annotations: { 'sidecar.istio.io/inject': 'false' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'inject-annotation', 'Pod annotation sidecar.istio.io/inject=false: istiod skips injection'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'the label beats the annotation',
    nsLabels: { 'istio-injection': 'enabled' },
    labels: { 'sidecar.istio.io/inject': 'true' },
    annotations: { 'sidecar.istio.io/inject': 'false' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, true, 'inject-label', 'Namespace label istio-injection=enabled matches, and pod label sidecar.istio.io/inject=true matches'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'hostNetwork pods are never injected',
    nsLabels: { 'istio-injection': 'enabled' },
    hostNetwork: true,
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'host-network', 'Pod uses hostNetwork; istiod never injects such pods'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'kube-system is ignored even when labeled',
    namespace: 'kube-system',
    nsLabels: { 'istio-injection': 'enabled' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'ignored-namespace', 'Namespace kube-system is never injected by istiod'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'neverInjectSelector of the default revision (OpenShift build pods)',
    nsLabels: { 'istio-injection': 'enabled' },
    labels: { 'openshift.io/build.name': 'api-7' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, false, 'never-inject-selector', 'Pod labels match neverInjectSelector openshift.io/build.name of the injector config'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'an invalid inject value is ignored with a note; the policy decides',
    nsLabels: { 'istio-injection': 'enabled' },
    annotations: { 'sidecar.istio.io/inject': 'yes' },
    expected: [
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, true, 'webhook-selectors', 'Namespace label istio-injection=enabled matches'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
    notes: [/^Pod annotation sidecar\.istio\.io\/inject="yes" is neither "true" nor "false"; istiod ignores it$/],
  },
  {
    name: 'the old default webhook and a default tag both select the namespace',
    nsLabels: { 'istio-injection': 'enabled' },
    webhooks: [...TAG_DEFAULT, ...CLUSTER],
    expected: [
      ['istio-revision-tag-default', false, 'policy', 'Injector policy is disabled and the pod does not set sidecar.istio.io/inject=true'],
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, true, 'webhook-selectors', 'Namespace label istio-injection=enabled matches'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
  },
  {
    name: 'two webhooks inject: multiple',
    nsLabels: { 'istio-injection': 'enabled' },
    annotations: { 'sidecar.istio.io/inject': 'true' },
    webhooks: [...TAG_DEFAULT, ...CLUSTER],
    expected: [
      ['istio-revision-tag-default', true, 'inject-annotation', 'Namespace label istio-injection=enabled matches; pod annotation sidecar.istio.io/inject=true asks for injection'],
      [PROD, false, 'webhook-selectors', NO_PROD],
      [DEF, true, 'inject-annotation', 'Namespace label istio-injection=enabled matches; pod annotation sidecar.istio.io/inject=true asks for injection'],
      [R26, false, 'webhook-deactivated', DEACTIVATED],
      [R27, false, 'webhook-selectors', NO_27],
    ],
    problems: ['multiple'],
  },
  {
    name: 'no Istio webhook at all (only another injector)',
    webhooks: CLUSTER.filter((c) => c.name === 'vault-agent-injector-cfg'),
    expected: [],
    problems: ['no-hooks'],
  },
];

describe('check-inject policy (both gates, rule by rule)', () => {
  it('fixtures load', () => {
    expect(CLUSTER.map((c) => c.name)).toEqual(['istio-sidecar-injector', 'istio-sidecar-injector-1-27', 'istio-revision-tag-prod', 'istio-sidecar-injector-1-26', 'vault-agent-injector-cfg']);
    expect([...policies.keys()].sort()).toEqual(['1-27', 'default']);
    expect(policyProblems).toEqual([]);
  });
  it('has no duplicate rows', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
  for (const c of cases) {
    it(c.name, () => {
      const namespace = c.namespace ?? 'shop';
      const subject: InjectionSubject = {
        namespace,
        namespaceLabels: { ...c.nsLabels, 'kubernetes.io/metadata.name': namespace },
        labels: c.labels ?? {},
        annotations: c.annotations ?? {},
        hostNetwork: c.hostNetwork ?? false,
      };
      const r = checkInjection({ webhooks: c.webhooks ?? CLUSTER, subject, policyFor: (rev) => policies.get(rev) ?? DEFAULT_INJECTOR_POLICY });
      expect(r.verdicts.map((v): Row => [v.webhook, v.injected, v.rule, v.reason])).toEqual(c.expected);
      expect(r.problems).toEqual(c.problems ?? []);
      expect(r.injectedBy).toEqual(c.expected.filter((e) => e[1]).map((e) => e[0]));
      const notes = r.verdicts.flatMap((v) => v.notes);
      expect(notes).toHaveLength(c.notes?.length ?? 0);
      (c.notes ?? []).forEach((re, i) => expect(notes[i]).toMatch(re));
    });
  }
  it('a revision tag reports its tag and the revision it points at', () => {
    const r = checkInjection({ webhooks: CLUSTER, subject: { namespace: 'shop', namespaceLabels: { 'istio.io/rev': 'prod' }, labels: {}, annotations: {}, hostNetwork: false }, policyFor: () => DEFAULT_INJECTOR_POLICY });
    expect(r.verdicts.find((v) => v.webhook === PROD)).toMatchObject({ revision: '1-27', tag: 'prod', injected: true, hook: 'rev.namespace.sidecar-injector.istio.io' });
  });
});

describe('hints for pods nobody injects', () => {
  const subject = (over: Partial<InjectionSubject>): InjectionSubject => ({ namespace: 'shop', namespaceLabels: {}, labels: {}, annotations: {}, hostNetwork: false, ...over });
  const REVISION_ONLY = CLUSTER.filter((c) => c.name !== DEF);
  const rows: { name: string; webhooks: WebhookConfiguration[]; subject: InjectionSubject; hints: RegExp[] }[] = [
    { name: 'inject=true as an annotation only', webhooks: CLUSTER, subject: subject({ annotations: { 'sidecar.istio.io/inject': 'true' } }), hints: [/^the pod sets sidecar\.istio\.io\/inject=true as an annotation; webhook selectors only see labels: make it a pod label$/] },
    {
      name: 'istio-injection=enabled on a revision-only install (istio#41883)',
      webhooks: REVISION_ONLY,
      subject: subject({ namespaceLabels: { 'istio-injection': 'enabled' } }),
      hints: [/^the namespace has istio-injection=enabled, but no webhook selects it \(only revision webhooks: 1-26, 1-27\); label the namespace istio\.io\/rev=<revision> instead, or point the default tag at a revision \(istioctl tag set default --revision 1-26\)$/],
    },
    { name: 'no hint when a webhook injects', webhooks: CLUSTER, subject: subject({ namespaceLabels: { 'istio-injection': 'enabled' }, annotations: { 'sidecar.istio.io/inject': 'true' } }), hints: [] },
    { name: 'no hint for an opted-out pod', webhooks: CLUSTER, subject: subject({ labels: { 'sidecar.istio.io/inject': 'false' } }), hints: [] },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const res = checkInjection({ webhooks: r.webhooks, subject: r.subject, policyFor: () => DEFAULT_INJECTOR_POLICY });
      expect(res.hints).toHaveLength(r.hints.length);
      r.hints.forEach((re, i) => expect(res.hints[i]).toMatch(re));
    });
  }
});

describe('label selectors, as the API server evaluates them', () => {
  const rows: { name: string; selector: unknown; labels: Record<string, string>; matched: boolean; failed?: string; error?: RegExp }[] = [
    { name: 'a missing selector selects everything', selector: undefined, labels: {}, matched: true },
    { name: 'an empty selector selects everything', selector: {}, labels: { a: 'b' }, matched: true },
    { name: 'matchLabels needs the exact value', selector: { matchLabels: { app: 'web' } }, labels: { app: 'api' }, matched: false, failed: 'app In web' },
    { name: 'matchLabels and matchExpressions are ANDed', selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels: { app: 'web' }, matched: false, failed: 'tier Exists ' },
    { name: 'NotIn matches a missing key', selector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] }, labels: {}, matched: true },
    { name: 'NotIn fails on a listed value', selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev', 'test'] }] }, labels: { env: 'test' }, matched: false, failed: 'env NotIn dev,test' },
    { name: 'In fails on a missing key', selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels: {}, matched: false, failed: 'env In prod' },
    { name: 'DoesNotExist fails on any value, even empty', selector: { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }] }, labels: { 'istio-injection': '' }, matched: false, failed: 'istio-injection DoesNotExist ' },
    { name: 'In without values is invalid', selector: { matchExpressions: [{ key: 'x', operator: 'In', values: [] }] }, labels: {}, matched: false, error: /operator In needs values/ },
    { name: 'Exists with values is invalid', selector: { matchExpressions: [{ key: 'x', operator: 'Exists', values: ['y'] }] }, labels: { x: 'y' }, matched: false, error: /takes no values/ },
    { name: 'an unknown operator is invalid', selector: { matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] }, labels: { x: '2' }, matched: false, error: /unknown operator "Gt"/ },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const res = evaluateSelector(r.selector, r.labels);
      expect(res.matched).toBe(r.matched);
      if (r.failed !== undefined) expect(res.failed && `${res.failed.key} ${res.failed.operator} ${res.failed.values.join(',')}`).toBe(r.failed);
      if (r.error) expect(res.error).toMatch(r.error);
      else expect(res.error).toBeUndefined();
    });
  }
});
