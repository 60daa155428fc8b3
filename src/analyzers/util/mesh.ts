import type { Snapshot } from '../../analysis/snapshot.js';
import type { Resource } from '../../resources/types.js';
import type { MeshConfig } from '../../analysis/mesh-config.js';
import { asArray, asObjects, asStringMap, get } from '../../util/objects.js';

/** upstream util.IsSystemNamespace and the namespaces injection always ignores. */
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

interface Container {
  name?: string;
  image?: string;
}

/** The pod's containers and init containers. */
export function containersOf(pod: Resource): Container[] {
  return [...asObjects<Container>(get(pod.object, 'spec', 'containers')), ...asObjects<Container>(get(pod.object, 'spec', 'initContainers'))];
}

/** A pod that already carries the sidecar: a container (or native sidecar) named istio-proxy with an image. */
export function hasSidecar(pod: Resource): boolean {
  return containersOf(pod).some((c) => c.name === 'istio-proxy' && Boolean(c.image));
}

/**
 * upstream analyzers/util/in_mesh.go: a pod is in the mesh if it has the sidecar, or is labelled
 * or annotated sidecar.istio.io/inject=true, or its namespace is labelled istio-injection=enabled.
 */
export function isInMesh(pod: Resource, snapshot: Snapshot): boolean {
  if (hasSidecar(pod)) return true;
  const inject = pod.labels['sidecar.istio.io/inject'] ?? pod.annotations['sidecar.istio.io/inject'];
  if (inject === 'true') return true;
  if (inject === 'false') return false;
  const ns = snapshot.get('Namespace', '', pod.namespace);
  return ns?.labels['istio-injection'] === 'enabled';
}

/** upstream util.IsIstioControlPlane: label `istio` present, or release=istio. */
export function isControlPlane(r: Resource): boolean {
  return r.labels.istio !== undefined || r.labels.release === 'istio';
}

/**
 * Whether the mesh gives addresses to ServiceEntries without any: the sidecar's DNS proxy must
 * capture queries (ISTIO_META_DNS_CAPTURE) and allocation must be on, either in the agent
 * (ISTIO_META_DNS_AUTO_ALLOCATE) or in istiod (PILOT_ENABLE_IP_AUTOALLOCATE).
 */
export function meshAllocatesAddresses(mesh: MeshConfig): boolean {
  const md = asStringMap(get(mesh.defaultConfig, 'proxyMetadata'));
  if (md.ISTIO_META_DNS_CAPTURE !== 'true') return false;
  return md.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || md.PILOT_ENABLE_IP_AUTOALLOCATE === 'true';
}
