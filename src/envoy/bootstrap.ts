/** Bootstrap facts from a config dump (`proxy-config bootstrap`). */
import { type ConfigDump, type Obj, field, num, obj, requireSection, str } from './configdump.js';

export interface BootstrapSummary {
  istioVersion: string;
  istioProxySha: string;
  envoyVersion: string;
}

export function bootstrapSection(dump: ConfigDump): Obj {
  const { ['@type']: _t, ...rest } = requireSection(dump, 'bootstrap');
  return rest;
}

export function bootstrapSummary(dump: ConfigDump): BootstrapSummary {
  const b = obj(requireSection(dump, 'bootstrap').bootstrap);
  const node = obj(b.node);
  const md = obj(node.metadata);
  const istioVersion = str(md.ISTIO_VERSION);
  // ISTIO_PROXY_SHA is "istio-proxy:<sha>".
  let istioProxySha = str(md.ISTIO_PROXY_SHA);
  const parts = istioProxySha.split(':');
  if (parts.length > 1) istioProxySha = parts[1]!;
  const uabv = obj(field(node, 'user_agent_build_version'));
  const v = obj(uabv.version);
  const bmd = obj(uabv.metadata);
  let envoyVersion = `${num(field(v, 'major_number'))}.${num(field(v, 'minor_number'))}.${num(v.patch)}`;
  if (typeof bmd['build.label'] === 'string') envoyVersion += `-${bmd['build.label']}`;
  for (const k of ['revision.status', 'build.type', 'ssl.version']) {
    if (typeof bmd[k] === 'string') envoyVersion += `/${bmd[k]}`;
  }
  return { istioVersion, istioProxySha, envoyVersion };
}
