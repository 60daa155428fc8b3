/**
 * Why a pod is (not) injected, rule by rule. Two gates decide, in order:
 *
 * 1. The API server: a MutatingWebhookConfiguration calls istiod for a pod CREATE when one of
 *    its webhooks has a rule covering pods and both its namespaceSelector (against the namespace
 *    labels) and objectSelector (against the pod labels) match. This is label-only: annotations
 *    never reach this gate.
 * 2. istiod (pkg/kube/inject injectRequired): hostNetwork pods and the ignored namespaces are
 *    skipped; then sidecar.istio.io/inject (the label wins over the annotation), then the
 *    injector config's neverInjectSelector, alwaysInjectSelector, and finally its policy.
 *
 * The reasons for gate 1 use istioctl x check-inject's wording, so output stays familiar. Pure.
 */
import { isPlainObject } from '../util/objects.js';

type Labels = Record<string, string>;

/** Namespaces istiod never injects (pkg/kube/inject IgnoredNamespaces). */
export const IGNORED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

/** Selector istiod writes into a deactivated webhook (istioctl util.NeverMatch). */
const DEACTIVATED_LABEL = 'istio.io/deactivated';

export type Rule =
  | 'no-pod-rule'
  | 'webhook-selectors'
  | 'webhook-deactivated'
  | 'host-network'
  | 'ignored-namespace'
  | 'inject-label'
  | 'inject-annotation'
  | 'never-inject-selector'
  | 'always-inject-selector'
  | 'policy';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface SelectorResult {
  matched: boolean;
  /** The first requirement the labels fail (absent when matched or invalid). */
  failed?: Requirement;
  /** The selector cannot be parsed (the API server would have rejected it). */
  error?: string;
}

/** metav1.LabelSelectorAsSelector: matchLabels become `In [v]`; a missing selector selects everything. */
export function selectorRequirements(selector: unknown): { requirements: Requirement[] } | { error: string } {
  if (selector === undefined || selector === null) return { requirements: [] };
  if (!isPlainObject(selector)) return { error: 'selector is not a mapping' };
  const out: Requirement[] = [];
  if (selector.matchLabels !== undefined && selector.matchLabels !== null) {
    if (!isPlainObject(selector.matchLabels)) return { error: 'matchLabels is not a mapping' };
    for (const [k, v] of Object.entries(selector.matchLabels)) out.push({ key: k, operator: 'In', values: [String(v)] });
  }
  const exprs = selector.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) return { error: 'matchExpressions is not a list' };
    for (const e of exprs) {
      if (!isPlainObject(e)) return { error: 'a matchExpressions entry is not a mapping' };
      const key = String(e.key ?? '');
      const op = String(e.operator ?? '');
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      if (op === 'In' || op === 'NotIn') {
        if (values.length === 0) return { error: `${key}: operator ${op} needs values` };
      } else if (op === 'Exists' || op === 'DoesNotExist') {
        if (values.length > 0) return { error: `${key}: operator ${op} takes no values` };
      } else return { error: `${key}: unknown operator "${op}"` };
      out.push({ key, operator: op, values });
    }
  }
  return { requirements: out };
}

function satisfies(r: Requirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]!);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Evaluates a LabelSelector exactly as the API server does (every requirement must hold). */
export function evaluateSelector(selector: unknown, labels: Labels): SelectorResult {
  const parsed = selectorRequirements(selector);
  if ('error' in parsed) return { matched: false, error: parsed.error };
  const failed = parsed.requirements.find((r) => !satisfies(r, labels));
  return failed ? { matched: false, failed } : { matched: true };
}

/** Whether the selector selects nothing by construction: an empty selector selects everything. */
function isEmptySelector(selector: unknown): boolean {
  const parsed = selectorRequirements(selector);
  return 'requirements' in parsed && parsed.requirements.length === 0;
}

export function describeRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(', ')})`;
    case 'NotIn':
      return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(', ')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

// ---------------------------------------------------------------- inputs

export interface WebhookEntry {
  name: string;
  namespaceSelector?: unknown;
  objectSelector?: unknown;
  rules?: unknown;
  matchConditions?: unknown;
}

export interface WebhookConfiguration {
  name: string;
  labels: Labels;
  webhooks: WebhookEntry[];
}

/** The pod as it is being created, and its namespace. */
export interface InjectionSubject {
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
  annotations: Labels;
  hostNetwork: boolean;
}

/** The parts of the injector config (data.config of istio-sidecar-injector[-rev]) that decide. */
export interface InjectorPolicy {
  policy: string;
  neverInjectSelector: unknown[];
  alwaysInjectSelector: unknown[];
}

export const DEFAULT_INJECTOR_POLICY: InjectorPolicy = Object.freeze({ policy: 'enabled', neverInjectSelector: [], alwaysInjectSelector: [] }) as InjectorPolicy;

/** Reads the deciding parts of an injector config mapping (data.config, parsed). */
export function injectorPolicyOf(config: unknown): InjectorPolicy {
  if (!isPlainObject(config)) return DEFAULT_INJECTOR_POLICY;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  return { policy: String(config.policy ?? 'enabled'), neverInjectSelector: list(config.neverInjectSelector), alwaysInjectSelector: list(config.alwaysInjectSelector) };
}

// ---------------------------------------------------------------- gate 2: istiod

export interface IstiodDecision {
  inject: boolean;
  rule: Rule;
  reason: string;
  /** Something istiod logs as a warning (an invalid value it ignores). */
  warning?: string;
}

function selectorText(selector: unknown): string {
  const parsed = selectorRequirements(selector);
  return 'error' in parsed ? '(invalid)' : parsed.requirements.map(describeRequirement).join(',');
}

/** istiod's injectRequired, with the rule that decided. */
export function istiodDecision(subject: InjectionSubject, policy: InjectorPolicy): IstiodDecision {
  if (subject.hostNetwork) return { inject: false, rule: 'host-network', reason: 'Pod uses hostNetwork; istiod never injects such pods' };
  if (IGNORED_NAMESPACES.includes(subject.namespace)) return { inject: false, rule: 'ignored-namespace', reason: `Namespace ${subject.namespace} is never injected by istiod` };
  const key = 'sidecar.istio.io/inject';
  let value = subject.annotations[key];
  let from: 'inject-label' | 'inject-annotation' = 'inject-annotation';
  if (subject.labels[key] !== undefined) {
    // The label is the newer API; when both are set istiod believes the label.
    value = subject.labels[key];
    from = 'inject-label';
  }
  const what = from === 'inject-label' ? 'Pod label' : 'Pod annotation';
  let warning: string | undefined;
  if (value === 'true') return { inject: true, rule: from, reason: `${what} ${key}=true asks for injection` };
  if (value === 'false') return { inject: false, rule: from, reason: `${what} ${key}=false: istiod skips injection` };
  // Anything else (yes, enabled, "") is ignored with a warning: the default policy decides.
  if (value !== undefined && value !== '') warning = `${what} ${key}="${value}" is neither "true" nor "false"; istiod ignores it`;
  const withWarning = (d: IstiodDecision): IstiodDecision => (warning ? { ...d, warning } : d);
  for (const sel of policy.neverInjectSelector) {
    if (!isEmptySelector(sel) && evaluateSelector(sel, subject.labels).matched) {
      return withWarning({ inject: false, rule: 'never-inject-selector', reason: `Pod labels match neverInjectSelector ${selectorText(sel)} of the injector config` });
    }
  }
  for (const sel of policy.alwaysInjectSelector) {
    if (!isEmptySelector(sel) && evaluateSelector(sel, subject.labels).matched) {
      return withWarning({ inject: true, rule: 'always-inject-selector', reason: `Pod labels match alwaysInjectSelector ${selectorText(sel)} of the injector config` });
    }
  }
  if (policy.policy === 'enabled') return withWarning({ inject: true, rule: 'policy', reason: 'injector policy is enabled' });
  if (policy.policy === 'disabled') return withWarning({ inject: false, rule: 'policy', reason: `Injector policy is disabled and the pod does not set ${key}=true` });
  return withWarning({ inject: false, rule: 'policy', reason: `Injector policy "${policy.policy}" is neither enabled nor disabled; istiod injects nothing` });
}

// ---------------------------------------------------------------- gate 1: the API server

/** Whether one of the webhook's rules sends pod CREATE requests (group "", version v1, resource pods). */
export function coversPodCreate(rules: unknown): boolean {
  if (!Array.isArray(rules)) return false;
  const has = (list: unknown, ...ok: string[]): boolean => Array.isArray(list) && list.some((x) => ok.includes(String(x)));
  return rules.some(
    (r) =>
      isPlainObject(r) &&
      has(r.operations, 'CREATE', '*') &&
      has(r.apiGroups, '', '*') &&
      has(r.apiVersions, 'v1', '*') &&
      has(r.resources, 'pods', '*', '*/*') &&
      (r.scope === undefined || r.scope === '*' || r.scope === 'Namespaced'),
  );
}

/** Istio's own hooks are named *.istio.io (istioctl's test for "an Istio webhook"). */
export function isIstioWebhook(c: WebhookConfiguration): boolean {
  return c.webhooks.some((w) => w.name.endsWith('istio.io'));
}

/** The first In/NotIn requirement whose key the labels carry, as "k=v" (istioctl's matched label). */
function matchedLabel(selector: unknown, labels: Labels): string {
  const parsed = selectorRequirements(selector);
  if ('error' in parsed) return '';
  // matchLabels count too: they are In requirements.
  for (const r of parsed.requirements) {
    if ((r.operator === 'In' || r.operator === 'NotIn') && labels[r.key] !== undefined) return `${r.key}=${labels[r.key]}`;
  }
  return '';
}

function isDeactivated(w: WebhookEntry): boolean {
  const only = (sel: unknown): boolean => {
    const parsed = selectorRequirements(sel);
    return 'requirements' in parsed && parsed.requirements.length === 1 && parsed.requirements[0]!.key === DEACTIVATED_LABEL;
  };
  return only(w.namespaceSelector) && only(w.objectSelector);
}

interface HookMatch {
  hook: WebhookEntry;
  ns: SelectorResult;
  obj: SelectorResult;
}

/** Gate 1 for one configuration: the webhook entry the API server calls, or why none. */
export function apiServerDecision(c: WebhookConfiguration, subject: InjectionSubject): { called: true; hook: string; reason: string; notes: string[] } | { called: false; rule: Rule; reason: string; notes: string[] } {
  const notes: string[] = [];
  const hooks = c.webhooks.filter((w) => {
    if (coversPodCreate(w.rules)) return true;
    notes.push(`webhook ${w.name} has no rule for pod CREATE`);
    return false;
  });
  if (hooks.length === 0) return { called: false, rule: 'no-pod-rule', reason: 'No webhook of this configuration handles pod CREATE', notes };
  const results: HookMatch[] = hooks.map((hook) => ({ hook, ns: evaluateSelector(hook.namespaceSelector, subject.namespaceLabels), obj: evaluateSelector(hook.objectSelector, subject.labels) }));
  for (const r of results) {
    for (const [what, res] of [['namespaceSelector', r.ns], ['objectSelector', r.obj]] as const) if (res.error) notes.push(`webhook ${r.hook.name}: invalid ${what}: ${res.error}`);
  }
  const hit = results.find((r) => r.ns.matched && r.obj.matched);
  if (hit) {
    if (Array.isArray(hit.hook.matchConditions) && hit.hook.matchConditions.length > 0) notes.push(`webhook ${hit.hook.name} has matchConditions, which are not evaluated here`);
    const nsLabel = matchedLabel(hit.hook.namespaceSelector, subject.namespaceLabels);
    const podLabel = matchedLabel(hit.hook.objectSelector, subject.labels);
    let reason: string;
    if (nsLabel && podLabel) reason = `Namespace label ${nsLabel} matches, and pod label ${podLabel} matches`;
    else if (nsLabel) reason = `Namespace label ${nsLabel} matches`;
    else if (podLabel) reason = `Pod label ${podLabel} matches`;
    else reason = `Selectors of webhook ${hit.hook.name} match`;
    return { called: true, hook: hit.hook.name, reason, notes };
  }
  for (const r of results) {
    if (r.ns.matched) {
      // The namespace is in; a pod label the objectSelector excludes keeps the pod out.
      const parsed = selectorRequirements(r.hook.objectSelector);
      const f = 'requirements' in parsed ? parsed.requirements.find((q) => (q.operator === 'DoesNotExist' || q.operator === 'NotIn') && subject.labels[q.key] !== undefined && !satisfies(q, subject.labels)) : undefined;
      if (f) return { called: false, rule: 'webhook-selectors', reason: `Pod has ${f.key}=${subject.labels[f.key]} label, preventing injection`, notes };
    } else if (r.obj.matched) {
      const v = subject.namespaceLabels['istio-injection'];
      if (v !== undefined && v !== 'enabled') return { called: false, rule: 'webhook-selectors', reason: `Namespace has istio-injection=${v} label, preventing injection`, notes };
    }
  }
  if (hooks.some(isDeactivated)) return { called: false, rule: 'webhook-deactivated', reason: 'The injection webhook is deactivated, and will never match labels.', notes };
  const wanted = (key: 'namespaceSelector' | 'objectSelector'): string[] =>
    hooks.flatMap((h) => {
      const parsed = selectorRequirements(h[key]);
      if ('error' in parsed) return [];
      return parsed.requirements.filter((r) => r.operator === 'In').flatMap((r) => r.values.map((v) => `${r.key}=${v}`));
    });
  return { called: false, rule: 'webhook-selectors', reason: `No matching namespace labels (${wanted('namespaceSelector').join(', ')}) or pod labels (${wanted('objectSelector').join(', ')})`, notes };
}

// ---------------------------------------------------------------- both gates

export interface WebhookVerdict {
  /** MutatingWebhookConfiguration name. */
  webhook: string;
  /** Its istio.io/rev label ("" when unlabeled). */
  revision: string;
  /** Its istio.io/tag label, for revision tags (istio-revision-tag-<tag>). */
  tag?: string;
  injected: boolean;
  /** The rule that decided. */
  rule: Rule;
  reason: string;
  /** The webhook entry the API server would call. */
  hook?: string;
  notes: string[];
}

export interface CheckResult {
  verdicts: WebhookVerdict[];
  /** Names of the configurations that would inject. */
  injectedBy: string[];
  /** "no-hooks": no Istio webhook at all; "multiple": more than one would inject. */
  problems: ('no-hooks' | 'multiple')[];
  /** What to change, for the classic reasons a pod is not injected. */
  hints: string[];
}

/** Hints for a pod no webhook injects: the mistakes behind most "why no sidecar?" questions. */
function notInjectedHints(webhooks: readonly WebhookConfiguration[], subject: InjectionSubject): string[] {
  const hints: string[] = [];
  const key = 'sidecar.istio.io/inject';
  if (subject.annotations[key] === 'true' && subject.labels[key] === undefined) {
    // Webhook objectSelectors see labels only; the annotation matters only once a webhook is called.
    hints.push(`the pod sets ${key}=true as an annotation; webhook selectors only see labels: make it a pod label`);
  }
  if (subject.namespaceLabels['istio-injection'] === 'enabled') {
    const selectsLegacyLabel = webhooks.some((c) =>
      c.webhooks.some((w) => {
        const parsed = selectorRequirements(w.namespaceSelector);
        return 'requirements' in parsed && parsed.requirements.some((r) => r.key === 'istio-injection' && r.operator === 'In' && r.values.includes('enabled'));
      }),
    );
    const revisions = [...new Set(webhooks.map((c) => c.labels['istio.io/rev']).filter((r): r is string => !!r && r !== 'default'))].sort();
    if (!selectsLegacyLabel && revisions.length > 0) {
      // istio#41883: a revision-only install ignores istio-injection=enabled.
      hints.push(`the namespace has istio-injection=enabled, but no webhook selects it (only revision webhooks: ${revisions.join(', ')}); label the namespace istio.io/rev=<revision> instead, or point the default tag at a revision (istioctl tag set default --revision ${revisions[0]})`);
    }
  }
  return hints;
}

export function checkInjection(input: { webhooks: readonly WebhookConfiguration[]; subject: InjectionSubject; policyFor: (revision: string) => InjectorPolicy }): CheckResult {
  const verdicts: WebhookVerdict[] = [];
  for (const c of input.webhooks) {
    if (!isIstioWebhook(c)) continue;
    const revision = c.labels['istio.io/rev'] ?? '';
    const tag = c.labels['istio.io/tag'];
    const base = { webhook: c.name, revision, ...(tag ? { tag } : {}) };
    const gate1 = apiServerDecision(c, input.subject);
    if (!gate1.called) {
      verdicts.push({ ...base, injected: false, rule: gate1.rule, reason: gate1.reason, notes: gate1.notes });
      continue;
    }
    const gate2 = istiodDecision(input.subject, input.policyFor(revision || 'default'));
    const notes = gate2.warning ? [...gate1.notes, gate2.warning] : gate1.notes;
    // Injected: say why the webhook is called, plus istiod's reason unless it is just the default policy.
    // (an inject=true label already shows in the webhook's reason: its objectSelector matched on it).
    const quiet = gate2.rule === 'policy' || gate2.rule === 'inject-label';
    const reason = gate2.inject ? (quiet ? gate1.reason : `${gate1.reason}; ${lowerFirst(gate2.reason)}`) : gate2.reason;
    verdicts.push({ ...base, injected: gate2.inject, rule: gate2.inject && gate2.rule === 'policy' ? 'webhook-selectors' : gate2.rule, reason, hook: gate1.hook, notes });
  }
  verdicts.sort((a, b) => (a.webhook < b.webhook ? -1 : a.webhook > b.webhook ? 1 : 0));
  const injectedBy = verdicts.filter((v) => v.injected).map((v) => v.webhook);
  const problems: CheckResult['problems'] = [];
  if (verdicts.length === 0) problems.push('no-hooks');
  if (injectedBy.length > 1) problems.push('multiple');
  const hints = injectedBy.length === 0 && verdicts.length > 0 ? notInjectedHints(input.webhooks.filter(isIstioWebhook), input.subject) : [];
  return { verdicts, injectedBy, problems, hints };
}

function lowerFirst(s: string): string {
  return s.startsWith('Pod ') ? `pod ${s.slice(4)}` : s;
}
