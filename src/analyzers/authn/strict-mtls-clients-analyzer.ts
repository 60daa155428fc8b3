import type { Snapshot } from '../../analysis/snapshot.js';
import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asObjects, asString, asStringMap, get, isPlainObject } from '../../util/objects.js';
import { isControlPlane, SYSTEM_NAMESPACES } from '../util/mesh.js';
import { matchesLabels, matchesLabelSelector } from '../util/selector.js';
import { distinctWorkloads, podSecuredByMesh } from '../util/traffic.js';
import { podDisplayName } from '../util/workload.js';

/** At most this many clients are named in a message; the rest are counted. */
const NAMED = 3;

/** Why a plaintext pod is a client of the policy's workloads. */
interface Reach {
  readonly client: Resource;
  readonly server: Resource;
  /** The NetworkPolicy that admits the client into an isolated server; absent: no policy isolates the server. */
  readonly admittedBy?: Resource;
}

function describe(reaches: readonly Reach[]): string {
  const named = reaches.slice(0, NAMED).map((r) => {
    const where = r.client.namespace === r.server.namespace ? ' in its namespace' : '';
    const why = r.admittedBy ? `NetworkPolicy ${r.admittedBy.namespace}/${r.admittedBy.name} admits it` : 'no NetworkPolicy restricts ingress to it';
    return `${podDisplayName(r.client)} can reach ${podDisplayName(r.server)}${where}: ${why}`;
  });
  const more = reaches.length - named.length;
  return `${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/**
 * Labels of a namespace as NetworkPolicy namespaceSelectors see them: the Namespace's own, plus
 * kubernetes.io/metadata.name, which the API server sets on every namespace.
 */
function namespaceLabelsOf(snapshot: Snapshot, ns: string): Labels {
  return { ...(snapshot.get('Namespace', '', ns)?.labels ?? {}), 'kubernetes.io/metadata.name': ns };
}

/** Ingress NetworkPolicies selecting the pod: policyTypes names Ingress, or is absent (then Ingress is implied). */
function isolatingPolicies(snapshot: Snapshot, pod: Resource): Resource[] {
  return snapshot.inNamespace('NetworkPolicy', pod.namespace).filter((np) => {
    const types = get(np.object, 'spec', 'policyTypes');
    const ingress = Array.isArray(types) ? types.includes('Ingress') : true;
    return ingress && matchesLabelSelector(get(np.object, 'spec', 'podSelector') ?? {}, pod.labels);
  });
}

/**
 * Whether one of the policy's ingress rules admits the client pod. A rule without `from` admits
 * every source; its `ports` are not judged (a client admitted on any port is a client). An
 * ipBlock only counts when it is the whole address space: pod IPs are not in the input.
 */
function admits(snapshot: Snapshot, np: Resource, client: Resource): boolean {
  return asObjects(get(np.object, 'spec', 'ingress')).some((rule) => {
    const from = asObjects(rule.from);
    if (from.length === 0) return true;
    return from.some((peer) => {
      if (isPlainObject(peer.ipBlock)) return ['0.0.0.0/0', '::/0'].includes(asString(peer.ipBlock.cidr)) && asObjects(peer.ipBlock.except).length === 0;
      const nsSel = peer.namespaceSelector;
      const podSel = peer.podSelector;
      if (nsSel === undefined && podSel === undefined) return false;
      const nsOk = nsSel === undefined ? client.namespace === np.namespace : matchesLabelSelector(nsSel, namespaceLabelsOf(snapshot, client.namespace));
      return nsOk && (podSel === undefined || matchesLabelSelector(podSel, client.labels));
    });
  });
}

/** The first server the client can open a connection to, and why; undefined when NetworkPolicies keep it from all. */
function reach(snapshot: Snapshot, client: Resource, servers: readonly { pod: Resource; policies: Resource[] }[]): Reach | undefined {
  for (const s of servers) {
    if (s.policies.length === 0) return { client, server: s.pod };
    const by = s.policies.find((np) => admits(snapshot, np, client));
    if (by) return { client, server: s.pod, admittedBy: by };
  }
  return undefined;
}

export const strictMtlsClientsAnalyzer = defineAnalyzer({
  name: 'authn.StrictMtlsClientsAnalyzer',
  description: 'Checks that STRICT PeerAuthentications do not cover workloads that pods without a sidecar can reach in plaintext',
  inputs: ['PeerAuthentication', 'Pod'],
  optionalInputs: ['Namespace', 'NetworkPolicy'],
  messages: ['StrictMtlsWithPlaintextClients'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const root = String(ctx.mesh.rootNamespace || ctx.istioNamespace);
    // Pods that can only speak plaintext (system and control-plane pods are not clients). Any of
    // them can open connections to any pod of the cluster (Kubernetes networking is flat) unless
    // a NetworkPolicy isolates the server; a Sidecar resource cannot stop them: it configures
    // proxies, and these pods have none.
    const plaintext = distinctWorkloads(snapshot.list('Pod')).filter(
      (pod) => !(SYSTEM_NAMESPACES.has(pod.namespace) || pod.namespace === ctx.istioNamespace || isControlPlane(pod) || pod.synthetic?.reason === 'default' || podSecuredByMesh(snapshot, pod)),
    );
    if (plaintext.length === 0) return;
    for (const pa of snapshot.list('PeerAuthentication')) {
      if (asString(get(pa.object, 'spec', 'mtls', 'mode')).toUpperCase() !== 'STRICT') continue;
      const selector = asStringMap(get(pa.object, 'spec', 'selector', 'matchLabels'));
      const meshWide = pa.namespace === root && Object.keys(selector).length === 0;
      // The workloads the policy protects must be in the mesh, or nothing enforces it.
      const servers = distinctWorkloads(snapshot.list('Pod'))
        .filter((p) => (meshWide || p.namespace === pa.namespace) && matchesLabels(selector, p.labels) && podSecuredByMesh(snapshot, p))
        .map((pod) => ({ pod, policies: isolatingPolicies(snapshot, pod) }))
        // Unisolated servers first: any client reaches them, so the search stops at once.
        .sort((a, b) => Number(a.policies.length > 0) - Number(b.policies.length > 0));
      if (servers.length === 0) continue;
      const byNamespace = new Map<string, Reach[]>();
      for (const client of plaintext) {
        const r = reach(snapshot, client, servers);
        if (!r) continue;
        const l = byNamespace.get(client.namespace) ?? [];
        l.push(r);
        byNamespace.set(client.namespace, l);
      }
      for (const ns of [...byNamespace.keys()].sort()) {
        ctx.report({ resource: pa, message: 'StrictMtlsWithPlaintextClients', args: [ns, describe(byNamespace.get(ns)!)], path: ['spec', 'mtls', 'mode'] });
      }
    }
  },
});
