/**
 * An Envoy /config_dump response, split into its typed sections. Envoy returns one entry per
 * admin.v3.*ConfigDump type in `configs`; some sections (ECDS) may appear more than once, one per
 * extension type, and istioctl merges them in order.
 */
import { parse as parseYaml } from 'yaml';
import { KindError } from '../util/errors.js';

import { arr, field, isObj, num, obj, str, type Obj } from './json.js';

export { arr, field, isObj, num, obj, str, type Obj };

export interface ConfigDump {
  readonly configs: readonly Obj[];
}

export const SECTION = {
  bootstrap: 'envoy.admin.v3.BootstrapConfigDump',
  clusters: 'envoy.admin.v3.ClustersConfigDump',
  endpoints: 'envoy.admin.v3.EndpointsConfigDump',
  listeners: 'envoy.admin.v3.ListenersConfigDump',
  routes: 'envoy.admin.v3.RoutesConfigDump',
  secrets: 'envoy.admin.v3.SecretsConfigDump',
  ecds: 'envoy.admin.v3.EcdsConfigDump',
} as const;
export type SectionName = keyof typeof SECTION;

export class ConfigDumpError extends KindError {
  constructor(message: string) {
    super(message, 'data');
    this.name = 'ConfigDumpError';
  }
}

/** The dump lacks what a command needs (masked out, not taken with include_eds, or empty). */
export class MissingSectionError extends KindError {
  constructor(message: string, hint?: string) {
    super(message, 'failed', hint);
    this.name = 'MissingSectionError';
  }
}

/** Parses a config dump from JSON (what /config_dump returns) or YAML (as some people save it). */
export function parseConfigDump(text: string, source = 'config dump'): ConfigDump {
  let data: unknown;
  const first = text.trimStart()[0];
  try {
    data = first === '{' || first === '[' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigDumpError(`${source} is not valid JSON or YAML: ${(e as Error).message}`);
  }
  return configDumpFromValue(data, source);
}

export function configDumpFromValue(data: unknown, source = 'config dump'): ConfigDump {
  if (!isObj(data) || !Array.isArray(data.configs)) {
    throw new ConfigDumpError(`${source} is not an Envoy config dump (no "configs" list)`);
  }
  return { configs: data.configs.filter(isObj) };
}

function typeOf(c: Obj): string {
  const t = str(c['@type']);
  const slash = t.lastIndexOf('/');
  return slash >= 0 ? t.slice(slash + 1) : t;
}

/** All entries of one section type, in dump order. */
export function sections(dump: ConfigDump, name: SectionName): Obj[] {
  const want = SECTION[name];
  return dump.configs.filter((c) => typeOf(c) === want);
}

/** The first entry of a section, or undefined when the dump does not have it. */
export function section(dump: ConfigDump, name: SectionName): Obj | undefined {
  return sections(dump, name)[0];
}

export function requireSection(dump: ConfigDump, name: SectionName): Obj {
  const s = section(dump, name);
  if (!s) throw new MissingSectionError(`config dump has no ${SECTION[name]}`, `Take a full dump: kubectl exec POD -c istio-proxy -- curl -s 'localhost:15000/config_dump?include_eds'`);
  return s;
}

/**
 * THE section flattener: the objects a section lists, in order. `lists` names, for each list field
 * of the section, the path to the object inside one entry, e.g. clusters:
 * [['dynamic_active_clusters', 'cluster'], ['static_clusters', 'cluster']]. Fields are read by
 * proto or JSON name (field()); entries without the object are skipped.
 */
export function flattenSection(s: Obj, lists: readonly (readonly [list: string, ...path: string[]])[]): Obj[] {
  const out: Obj[] = [];
  for (const [list, ...path] of lists) {
    for (const entry of arr(field(s, list))) {
      let v: unknown = entry;
      for (const p of path) v = isObj(v) ? field(v, p) : undefined;
      if (v) out.push(obj(v));
    }
  }
  return out;
}

/** The admin query that fetches only what a section needs (istio#53931: a full dump can time out). */
export const MASK: Record<SectionName, string> = {
  bootstrap: 'config_dump?mask=bootstrap',
  clusters: 'config_dump?mask=dynamic_active_clusters,dynamic_warming_clusters,static_clusters',
  listeners: 'config_dump?mask=dynamic_listeners,static_listeners',
  routes: 'config_dump?mask=dynamic_route_configs,static_route_configs',
  secrets: 'config_dump?mask=dynamic_active_secrets,dynamic_warming_secrets',
  endpoints: 'config_dump?include_eds=true',
  ecds: 'config_dump?include_eds=true',
};
