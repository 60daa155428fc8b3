import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asString, asStringMap, get } from '../../util/objects.js';
import { isControlPlane, SYSTEM_NAMESPACES } from '../util/mesh.js';
import { matchesLabels } from '../util/selector.js';
import { distinctWorkloads, podSecuredByMesh } from '../util/traffic.js';
import { podDisplayName } from '../util/workload.js';

/** At most this many pods are named in a message; the rest are counted. */
const NAMED = 3;

function describePods(pods: readonly Resource[]): string {
  const names = pods.slice(0, NAMED).map(podDisplayName);
  const more = pods.length - names.length;
  return `${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

export const strictMtlsClientsAnalyzer = defineAnalyzer({
  name: 'authn.StrictMtlsClientsAnalyzer',
  description: 'Checks that STRICT PeerAuthentications do not cover workloads that pods without a sidecar may call in plaintext',
  inputs: ['PeerAuthentication', 'Pod'],
  optionalInputs: ['Namespace'],
  messages: ['StrictMtlsWithPlaintextClients'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const root = String(ctx.mesh.rootNamespace || ctx.istioNamespace);
    // Pods that can only speak plaintext, by namespace (system and control-plane pods are not clients).
    const plaintext = new Map<string, Resource[]>();
    for (const pod of distinctWorkloads(snapshot.list('Pod'))) {
      if (SYSTEM_NAMESPACES.has(pod.namespace) || pod.namespace === ctx.istioNamespace || isControlPlane(pod)) continue;
      if (pod.synthetic?.reason === 'default' || podSecuredByMesh(snapshot, pod)) continue;
      const l = plaintext.get(pod.namespace) ?? [];
      l.push(pod);
      plaintext.set(pod.namespace, l);
    }
    if (plaintext.size === 0) return;
    for (const pa of snapshot.list('PeerAuthentication')) {
      if (asString(get(pa.object, 'spec', 'mtls', 'mode')).toUpperCase() !== 'STRICT') continue;
      const selector = asStringMap(get(pa.object, 'spec', 'selector', 'matchLabels'));
      const meshWide = pa.namespace === root && Object.keys(selector).length === 0;
      // The workloads the policy protects must be in the mesh, or nothing enforces it.
      const servers = snapshot
        .list('Pod')
        .filter((p) => (meshWide || p.namespace === pa.namespace) && matchesLabels(selector, p.labels) && podSecuredByMesh(snapshot, p));
      if (servers.length === 0) continue;
      const namespaces = meshWide ? [...plaintext.keys()].sort() : plaintext.has(pa.namespace) ? [pa.namespace] : [];
      for (const ns of namespaces) {
        ctx.report({ resource: pa, message: 'StrictMtlsWithPlaintextClients', args: [ns, describePods(plaintext.get(ns)!)], path: ['spec', 'mtls', 'mode'] });
      }
    }
  },
});
