import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asObjects, get, isPlainObject } from '../../util/objects.js';

/** Registries istiod always knows (pilot/pkg/serviceregistry/provider). */
const BUILTIN_REGISTRIES = ['Mock', 'Kubernetes', 'External'];
/** Label on remote-cluster kubeconfig Secrets; each data key names a cluster (= a registry). */
const MULTICLUSTER_SECRET_LABEL = 'istio/multiCluster';

/**
 * upstream multicluster/meshnetworks.go: every `networks.<name>.endpoints[].fromRegistry` must be a
 * built-in registry or a cluster named by a remote-secret. Runs on a MeshNetworks object in the
 * input (istioctl has no flag for a meshNetworks file either); remote secrets are read when present.
 */
export default defineAnalyzer({
  name: 'meshnetworks.MeshNetworksAnalyzer',
  description: 'Check the validity of MeshNetworks in the cluster',
  inputs: ['MeshNetworks'],
  optionalInputs: ['Secret'],
  messages: ['UnknownMeshNetworksServiceRegistry'],
  analyze(ctx) {
    const known = new Set(BUILTIN_REGISTRIES);
    for (const s of ctx.snapshot.list('Secret')) {
      if (s.labels[MULTICLUSTER_SECRET_LABEL] !== 'true') continue;
      for (const field of ['data', 'stringData']) {
        const data = get(s.object, field);
        if (isPlainObject(data)) for (const k of Object.keys(data)) known.add(k);
      }
    }
    for (const mn of ctx.snapshot.list('MeshNetworks')) {
      const base = isPlainObject(get(mn.object, 'spec', 'networks')) ? ['spec', 'networks'] : ['networks'];
      const networks = get(mn.object, ...base);
      if (!isPlainObject(networks)) continue;
      for (const [network, def] of Object.entries(networks)) {
        asObjects(get(def, 'endpoints')).forEach((e, j) => {
          if (typeof e.fromRegistry !== 'string' || known.has(e.fromRegistry)) return;
          ctx.report({
            resource: mn,
            message: 'UnknownMeshNetworksServiceRegistry',
            args: [e.fromRegistry, network],
            path: [...base, network, 'endpoints', j, 'fromRegistry'],
          });
        });
      }
    }
  },
});
