/**
 * Injection settings: the injector config (templates, policy...), the Helm values, and the mesh
 * config — what istiod holds in memory. Built from the built-in defaults, --set, and the
 * --injectConfigFile / --valuesFile / --meshConfigFile files kube-inject accepts. Pure.
 */
import { parse as yamlParseFull } from 'yaml';
import { parseYaml } from '../resources/fast-yaml.js';

// Rendered templates, values and mesh config take the fast path for plain YAML (same values, same errors).
const yamlParse = (text: string): unknown => parseYaml(text, yamlParseFull);
import { applyMeshConfig, defaultMeshConfig, type MeshConfig } from '../analysis/mesh-config.js';
import { deepMerge, isPlainObject } from '../util/objects.js';
import { DEFAULT_INJECTION_VALUES, injectorConfigMapData } from './configmap.js';
import { KindError } from '../util/errors.js';

export interface InjectorConfig {
  policy: string;
  defaultTemplates: string[];
  templates: Record<string, string>;
  aliases: Record<string, string[]>;
  injectedAnnotations: Record<string, string>;
}

export type NativeSidecarMode = 'auto' | 'true' | 'false';

export interface InjectionSettings {
  config: InjectorConfig;
  values: Record<string, unknown>;
  mesh: MeshConfig;
  revision: string;
  /** `auto` reaching the injector means native sidecars; see resolveNativeSidecars for who decides it. */
  nativeSidecars: NativeSidecarMode;
  /** The environment the templates' `env` function reads (istiod's, or kube-inject's). */
  env: Readonly<Record<string, string | undefined>>;
}

export class SettingsError extends KindError {
  override name = 'SettingsError';
  constructor(message: string) {
    super(message, 'data');
  }
}

/** Parses data.config of the injector ConfigMap (a YAML document). */
export function parseInjectorConfig(text: string, source: string): InjectorConfig {
  let raw: unknown;
  try {
    raw = yamlParse(text);
  } catch (e) {
    throw new SettingsError(`${source}: not valid YAML: ${(e as Error).message}`);
  }
  if (!isPlainObject(raw)) throw new SettingsError(`${source}: expected a mapping with "templates"`);
  // A whole ConfigMap is accepted too: use its data.config.
  if (raw.kind === 'ConfigMap' && isPlainObject(raw.data) && typeof raw.data.config === 'string') return parseInjectorConfig(raw.data.config, source);
  const templates: Record<string, string> = {};
  if (isPlainObject(raw.templates)) for (const [k, v] of Object.entries(raw.templates)) templates[k] = String(v ?? '');
  // Pre-1.10 configs had a single `template`; istiod still reads it as the sidecar template.
  if (typeof raw.template === 'string' && !templates.sidecar) templates.sidecar = raw.template;
  const defaults = Array.isArray(raw.defaultTemplates) && raw.defaultTemplates.length > 0 ? raw.defaultTemplates.map(String) : ['sidecar'];
  const aliases: Record<string, string[]> = {};
  if (isPlainObject(raw.aliases)) for (const [k, v] of Object.entries(raw.aliases)) aliases[k] = Array.isArray(v) ? v.map(String) : [];
  const injected: Record<string, string> = {};
  if (isPlainObject(raw.injectedAnnotations)) for (const [k, v] of Object.entries(raw.injectedAnnotations)) injected[k] = String(v);
  return { policy: String(raw.policy ?? 'enabled'), defaultTemplates: defaults, templates, aliases, injectedAnnotations: injected };
}

/**
 * --injectConfigFile as istioctl reads it: an injector config with `templates`, or else (when it
 * has none, or is not YAML at all) the file is itself the sidecar template.
 */
export function parseInjectConfigFile(text: string, source: string): InjectorConfig {
  let cfg: InjectorConfig | undefined;
  try {
    cfg = parseInjectorConfig(text, source);
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
  }
  if (cfg && Object.keys(cfg.templates).length > 0) return cfg;
  return { policy: 'enabled', defaultTemplates: ['sidecar'], templates: { sidecar: text }, aliases: {}, injectedAnnotations: {} };
}

/**
 * An IstioOperator (--operatorFileName): spec.values are Helm values, spec.meshConfig the mesh
 * config, spec.hub/tag/revision the image and revision — what `manifest generate` would put into
 * the injector and mesh ConfigMaps.
 */
export function parseOperator(text: string, source: string): { values: Record<string, unknown>; mesh: Record<string, unknown>; revision?: string } {
  let raw: unknown;
  try {
    raw = yamlParse(text);
  } catch (e) {
    throw new SettingsError(`${source}: not valid YAML: ${(e as Error).message}`);
  }
  if (!isPlainObject(raw) || raw.kind !== 'IstioOperator' || !isPlainObject(raw.spec)) throw new SettingsError(`${source}: expected an IstioOperator with a spec`);
  const spec = raw.spec;
  let values = isPlainObject(spec.values) ? structuredClone(spec.values) : {};
  const global: Record<string, unknown> = {};
  if (typeof spec.hub === 'string' && spec.hub) global.hub = spec.hub;
  if (typeof spec.tag === 'string' || typeof spec.tag === 'number') global.tag = String(spec.tag);
  if (Object.keys(global).length) values = deepMerge(values, { global }) as Record<string, unknown>;
  const mesh = isPlainObject(spec.meshConfig) ? spec.meshConfig : {};
  return typeof spec.revision === 'string' && spec.revision ? { values, mesh, revision: spec.revision } : { values, mesh };
}

/** Parses a values file (YAML or JSON); a whole ConfigMap's data.values is accepted too. */
export function parseValues(text: string, source: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = yamlParse(text);
  } catch (e) {
    throw new SettingsError(`${source}: not valid YAML/JSON: ${(e as Error).message}`);
  }
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) throw new SettingsError(`${source}: expected a mapping of values`);
  if (raw.kind === 'ConfigMap' && isPlainObject(raw.data) && typeof raw.data.values === 'string') return parseValues(raw.data.values, source);
  return raw;
}

/** Parses a MeshConfig file; a whole `istio` ConfigMap's data.mesh is accepted too. */
export function parseMeshConfig(text: string, source: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = yamlParse(text);
  } catch (e) {
    throw new SettingsError(`${source}: not valid YAML: ${(e as Error).message}`);
  }
  if (raw === null || raw === undefined) return {};
  if (!isPlainObject(raw)) throw new SettingsError(`${source}: expected a MeshConfig mapping`);
  if (raw.kind === 'ConfigMap' && isPlainObject(raw.data) && typeof raw.data.mesh === 'string') return parseMeshConfig(raw.data.mesh, source);
  return raw;
}

function parseScalar(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+$/.test(v) && v.length < 16) return Number(v);
  return v;
}

/**
 * Applies `--set path=value` entries. Paths are IstioOperator-style: `values.global.proxy.x=y`
 * targets the Helm values (a bare `global.x` works too); `meshConfig.x=y` targets the mesh config;
 * `components.cni.enabled` maps to pilot.cni.enabled as the operator translates it; `revision=x`.
 */
export function applySets(values: Record<string, unknown>, mesh: Record<string, unknown>, sets: readonly string[]): { values: Record<string, unknown>; mesh: Record<string, unknown>; revision?: string } {
  let v = values;
  let m = mesh;
  let revision: string | undefined;
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new SettingsError(`--set ${s}: expected path=value`);
    const path = s.slice(0, eq).trim();
    const value = parseScalar(s.slice(eq + 1));
    const setAt = (obj: Record<string, unknown>, parts: string[]): Record<string, unknown> => {
      const patch: Record<string, unknown> = {};
      let cur = patch;
      parts.forEach((p, i) => {
        if (i === parts.length - 1) cur[p] = value;
        else cur = cur[p] = {} as Record<string, unknown>;
      });
      return deepMerge(obj, patch) as Record<string, unknown>;
    };
    const parts = path.split('.');
    if (parts[0] === 'values') {
      v = setAt(v, parts.slice(1));
      // The operator copies cni.provider into the injector's pilot.cni.provider.
      if (parts[1] === 'cni' && parts[2] === 'provider') v = setAt(v, ['pilot', 'cni', 'provider']);
    } else if (parts[0] === 'meshConfig') m = setAt(m, parts.slice(1));
    else if (path === 'components.cni.enabled') v = setAt(v, ['pilot', 'cni', 'enabled']);
    else if (path === 'revision') revision = String(value);
    else if (parts[0] === 'components' || path === 'profile' || path === 'installPackagePath' || path === 'hub' || path === 'tag') {
      if (path === 'hub') v = setAt(v, ['global', 'hub']);
      else if (path === 'tag') v = setAt(v, ['global', 'tag']);
      // other components.* / profile settings do not change injection
    } else v = setAt(v, parts);
  }
  return revision === undefined ? { values: v, mesh: m } : { values: v, mesh: m, revision };
}

export interface SettingsInput {
  sets?: readonly string[];
  /** --injectConfigFile: an injector config, or the sidecar template itself. */
  injectConfigText?: { text: string; source: string };
  /** data.config of the cluster's injector ConfigMap (always an injector config). */
  injectorConfigText?: { text: string; source: string };
  valuesText?: { text: string; source: string };
  meshConfigText?: { text: string; source: string };
  operatorText?: { text: string; source: string };
  revision?: string;
  nativeSidecars?: NativeSidecarMode;
  istioNamespace?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Builds the settings istiod would hold for the default profile plus the user's overrides. */
export function buildSettings(input: SettingsInput): InjectionSettings {
  const ns = input.istioNamespace ?? 'istio-system';
  let values: Record<string, unknown> = structuredClone(DEFAULT_INJECTION_VALUES);
  values = deepMerge(values, { global: { istioNamespace: ns } }) as Record<string, unknown>;
  let meshOverlay: Record<string, unknown> = {};
  let operatorRevision: string | undefined;
  if (input.operatorText) {
    const op = parseOperator(input.operatorText.text, input.operatorText.source);
    values = deepMerge(values, op.values) as Record<string, unknown>;
    meshOverlay = op.mesh;
    operatorRevision = op.revision;
  }
  if (input.valuesText) values = deepMerge(values, parseValues(input.valuesText.text, input.valuesText.source)) as Record<string, unknown>;
  if (input.meshConfigText) meshOverlay = deepMerge(meshOverlay, parseMeshConfig(input.meshConfigText.text, input.meshConfigText.source)) as Record<string, unknown>;
  const applied = applySets(values, meshOverlay, input.sets ?? []);
  values = applied.values;
  let revision = input.revision ?? applied.revision ?? operatorRevision ?? String(values.revision ?? '');
  // istioctl: the revision "default" renders the templates with no revision (istiod.<ns>.svc, no istio.io/rev suffix).
  if (revision === 'default') revision = '';
  if (revision) values = deepMerge(values, { revision }) as Record<string, unknown>;
  const mesh = applyMeshConfig(defaultMeshConfig(ns), applied.mesh);
  const config = input.injectConfigText
    ? parseInjectConfigFile(input.injectConfigText.text, input.injectConfigText.source)
    : input.injectorConfigText
      ? parseInjectorConfig(input.injectorConfigText.text, input.injectorConfigText.source)
      : parseInjectorConfig(injectorConfigMapData(values).config, 'built-in injector config');
  return { config, values, mesh, revision, nativeSidecars: input.nativeSidecars ?? 'auto', env: input.env ?? {} };
}

/**
 * What `--native-sidecars auto` becomes when no cluster's nodes decided it.
 * - Settings from the user's files (--injectConfigFile/--valuesFile/--operatorFileName) are
 *   istioctl's offline mode: it has no nodes to ask and follows ENABLE_NATIVE_SIDECARS, whose
 *   `auto` default means off there.
 * - The built-in settings stand for a default install on a current cluster (kubelet >= 1.33, as
 *   upstream's injection goldens assume): native, unless ENABLE_NATIVE_SIDECARS=false.
 */
export function resolveNativeSidecars(flag: NativeSidecarMode, origin: 'files' | 'built-in', env: Readonly<Record<string, string | undefined>>): NativeSidecarMode {
  if (flag !== 'auto') return flag;
  const feature = env.ENABLE_NATIVE_SIDECARS;
  if (feature === 'true' || feature === 'false') return feature;
  return origin === 'files' ? 'false' : 'true';
}
