import { parse } from 'yaml';
import type { MeshConfig } from '../../analysis/mesh-config.js';
import type { Snapshot } from '../../analysis/snapshot.js';
import type { Resource } from '../../resources/types.js';
import { asStringMap, get, isPlainObject } from '../../util/objects.js';
import { matchesLabels } from './selector.js';

/**
 * upstream analyzers/util EffectiveProxyConfigResolver.ImageType: the proxy image variant
 * ("distroless", "debug", "" for default) a pod gets. Later sources win: mesh defaultConfig, a
 * ProxyConfig in the root namespace, a selector-less ProxyConfig in the pod's namespace, a
 * ProxyConfig whose selector matches the pod, then the pod's proxy.istio.io/config annotation.
 */
export function proxyImageType(mesh: MeshConfig, snapshot: Snapshot, pod: Resource): string {
  const typeOf = (v: unknown) => {
    const t = get(v, 'image', 'imageType');
    return typeof t === 'string' ? t : '';
  };
  let variant = typeOf(mesh.defaultConfig);
  const root = mesh.rootNamespace || 'istio-system';
  let rootType = '';
  let nsType = '';
  const workloadTypes: string[] = [];
  for (const pc of snapshot.list('ProxyConfig')) {
    const spec = get(pc.object, 'spec');
    if (pc.namespace === root) {
      rootType = typeOf(spec);
      continue;
    }
    if (pc.namespace !== pod.namespace) continue;
    const selector = get(spec, 'selector');
    if (selector === undefined || selector === null) {
      nsType = typeOf(spec);
    } else if (matchesLabels(asStringMap(get(selector, 'matchLabels')), pod.labels)) {
      const t = typeOf(spec);
      if (t) workloadTypes.push(t);
    }
  }
  if (rootType) variant = rootType;
  if (nsType) variant = nsType;
  if (workloadTypes.length) variant = workloadTypes[workloadTypes.length - 1]!;
  const ann = pod.annotations['proxy.istio.io/config'];
  if (ann !== undefined) {
    try {
      const parsed: unknown = parse(ann);
      if (isPlainObject(parsed) && typeOf(parsed)) variant = typeOf(parsed);
    } catch {
      // An unparsable annotation is ignored here; annotations.K8sAnalyzer reports it.
    }
  }
  return variant === 'default' ? '' : variant;
}
