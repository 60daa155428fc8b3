import { deepMerge, isPlainObject } from '../util/objects.js';
import { CHART_DEFAULTS } from './chart-defaults.js';
import { InstallInputError } from './errors.js';
import { PROFILES, PROFILE_NAMES, defaultProfile } from './profiles/index.js';
import { PLATFORM_VALUE_OVERLAYS, PROFILE_VALUE_OVERLAYS } from './profiles/values-overlays.js';
import { validateIstioOperator } from './schema.js';
import { getAtPath, guessScalar, setAtPath, type SetFlag } from './set-path.js';
import type { IstioOperator, Tree } from './types.js';
import { DEFAULT_HUB, ISTIO_RELEASE } from './version.js';

/** What `manifest generate` / `install` were given, already read from disk. */
export interface OperatorInputs {
  /** -f files in order: name for messages, parsed document. */
  readonly files: readonly { readonly name: string; readonly doc: unknown }[];
  /** --set flags in order. */
  readonly sets: readonly SetFlag[];
  /** -r/--revision ("" or "default" means none). */
  readonly revision?: string;
}

/** The merged IstioOperator and the effective chart values every renderer reads. */
export interface ResolvedInstall {
  readonly profile: string;
  readonly iop: IstioOperator;
  readonly values: Tree;
  /** "" for the default revision. */
  readonly revision: string;
  /** Control-plane namespace (values.global.istioNamespace). */
  readonly namespace: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * istioctl's MergeInputs: default profile < named profile < pinned hub/tag < -f files < --set,
 * then spec.hub/tag/revision/meshConfig and component enablement copied into values, the
 * user's own values re-applied last, and the whole put on top of the chart defaults and the
 * values.profile / global.platform overlays.
 */
export function resolveInstall(inputs: OperatorInputs): ResolvedInstall {
  let user: Tree = { spec: {} };
  for (const f of inputs.files) {
    if (f.doc === null || f.doc === undefined) continue;
    if (!isPlainObject(f.doc)) throw new InstallInputError('not an IstioOperator object', { kind: 'file', file: f.name });
    if (f.doc.kind !== undefined && f.doc.kind !== 'IstioOperator') {
      throw new InstallInputError(`kind: expected IstioOperator, got ${JSON.stringify(f.doc.kind)}`, { kind: 'file', file: f.name });
    }
    const doc = structuredClone(f.doc);
    const problems = validateIstioOperator(doc);
    if (problems.length) {
      throw new InstallInputError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), { kind: 'file', file: f.name });
    }
    user = mergeOperator(user, doc);
  }
  for (const s of inputs.sets) user = mergeOperator(user, { spec: setOverlay(s) });

  let revision = inputs.revision ?? '';
  if (revision === 'default') revision = '';
  if (revision) {
    if (!DNS1123_LABEL.test(revision) || revision.length > 63) {
      throw new InstallInputError(`invalid revision "${revision}": must be a DNS-1123 label (lower case alphanumerics and "-")`, {
        kind: 'flag',
        flag: '--revision',
      });
    }
    user = mergeOperator(user, { spec: { revision } });
  }

  const userSpec = (user.spec ?? {}) as Tree;
  const profile = typeof userSpec.profile === 'string' && userSpec.profile !== '' ? userSpec.profile : 'default';
  const profileIop = PROFILES[profile];
  if (!profileIop) {
    throw new InstallInputError(`unknown profile "${profile}"; one of: ${PROFILE_NAMES.join(', ')}`, { kind: 'flag', flag: 'profile' });
  }
  let merged: Tree = structuredClone(defaultProfile) as unknown as Tree;
  if (profile !== 'default') merged = mergeOperator(merged, structuredClone(profileIop));
  merged = mergeOperator(merged, { spec: { hub: DEFAULT_HUB, tag: ISTIO_RELEASE } });
  merged = mergeOperator(merged, user);
  const iop = merged as unknown as IstioOperator;
  const spec = iop.spec;
  const rev = spec.revision === 'default' ? '' : (spec.revision ?? '');

  // Spec fields win over the same values, but values the user wrote explicitly win over both.
  const fromSpec: Tree = {
    global: { hub: spec.hub, tag: spec.tag },
    revision: rev,
    pilot: { enabled: spec.components?.pilot?.enabled === true, cni: { enabled: spec.components?.cni?.enabled === true } },
    ...(spec.meshConfig ? { meshConfig: spec.meshConfig } : {}),
    ...(spec.compatibilityVersion ? { compatibilityVersion: spec.compatibilityVersion } : {}),
  };
  const userValues = ((userSpec.values as Tree | undefined) ?? {}) as Tree;
  let values = deepMerge(spec.values ?? {}, fromSpec) as Tree;
  values = deepMerge(values, userValues) as Tree;

  const helmProfile = typeof values.profile === 'string' ? values.profile : '';
  const platform = String((values.global as Tree | undefined)?.platform ?? '');
  let effective = structuredClone(CHART_DEFAULTS);
  if (helmProfile && PROFILE_VALUE_OVERLAYS[helmProfile]) effective = deepMerge(effective, PROFILE_VALUE_OVERLAYS[helmProfile]) as Tree;
  if (platform && PLATFORM_VALUE_OVERLAYS[platform]) effective = deepMerge(effective, PLATFORM_VALUE_OVERLAYS[platform]) as Tree;
  effective = deepMerge(effective, values) as Tree;
  if (spec.unvalidatedValues) effective = deepMerge(effective, spec.unvalidatedValues) as Tree;

  const namespace = String((effective.global as Tree).istioNamespace ?? 'istio-system') || 'istio-system';
  return { profile, iop, values: effective, revision: rev, namespace };
}

/**
 * Builds the spec fragment one --set contributes, typed by the schema: a field declared boolean
 * or integer gets "true"/"3" converted, a string field keeps "1.20" as text, and a field the
 * schema leaves open (meshConfig.*, gateways.*) gets the textual guess (true/false/numbers).
 */
export function setOverlay(s: SetFlag): Tree {
  const flag = { kind: 'flag' as const, flag: `--set ${s.raw}` };
  const build = (value: unknown): Tree => {
    const spec: Tree = {};
    setAtPath(spec, s.path, value);
    return spec;
  };
  const asText = { spec: build(s.value) };
  // A lone `[0]` item lacks its `name`; the merge puts it in place, so "required" is not an error here.
  const problems = validateIstioOperator(asText).filter((p) => !p.message.startsWith('must have required property'));
  if (problems.length) throw new InstallInputError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), flag);
  const coerced = getAtPath(asText.spec, s.path);
  if (coerced !== s.value) return asText.spec;
  // Probe with a number: a string-typed field coerces it back to text, an open field keeps it.
  const probe = { spec: build(12345) };
  validateIstioOperator(probe);
  if (typeof getAtPath(probe.spec, s.path) === 'string') return asText.spec;
  return build(guessScalar(s.value));
}

const GATEWAY_LISTS = new Set(['ingressGateways', 'egressGateways']);

/**
 * Deep merge of IstioOperator trees. Gateway lists merge item by item on `name` (so the demo
 * profile's `{name: istio-egressgateway, enabled: true}` flips the default's entry instead of
 * replacing the whole list); every other list is replaced.
 */
export function mergeOperator(a: unknown, b: unknown, key = ''): Tree {
  return mergeAny(a, b, key) as Tree;
}

function mergeAny(a: unknown, b: unknown, key: string): unknown {
  if (b === undefined) return a;
  if (GATEWAY_LISTS.has(key) && Array.isArray(a) && Array.isArray(b)) {
    const out = a.map((x) => structuredClone(x)) as Tree[];
    for (const item of b as Tree[]) {
      const i = out.findIndex((x) => isPlainObject(x) && isPlainObject(item) && x.name === item.name);
      if (i >= 0) out[i] = mergeAny(out[i], item, '') as Tree;
      else out.push(item);
    }
    return out;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return b;
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? mergeAny(a[k], v, k) : v;
  return out;
}
