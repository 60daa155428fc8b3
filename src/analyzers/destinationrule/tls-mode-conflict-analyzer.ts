import { defineAnalyzer } from '../../analysis/types.js';
import type { FieldPath, Labels, Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asString, asStringMap, get } from '../../util/objects.js';
import { matchesLabels } from '../util/selector.js';
import {
  distinctWorkloads,
  effectiveMtls,
  kubeServiceForHost,
  podSecuredByMesh,
  podsOfService,
  resolveTargetPort,
  servicePorts,
} from '../util/traffic.js';
import { podDisplayName } from '../util/workload.js';

/** Client TLS modes a sidecar enforcing STRICT mTLS cannot accept. */
const CONFLICTING = new Set(['DISABLE', 'SIMPLE']);

interface TlsSetting {
  readonly mode: string;
  /** The Service port a portLevelSettings entry names, else every port. */
  readonly port?: number;
  /** Subset labels, for a subset's trafficPolicy. */
  readonly subset?: Labels;
  readonly path: FieldPath;
}

/** Every tls block of a DestinationRule: top level, per port, per subset and per subset port. */
function tlsSettings(spec: Record<string, unknown>): TlsSetting[] {
  const out: TlsSetting[] = [];
  const fromPolicy = (policy: unknown, base: FieldPath, subset?: Labels) => {
    const p = asRecord(policy);
    const mode = asString(get(p, 'tls', 'mode')).toUpperCase();
    if (mode) out.push({ mode, path: [...base, 'tls', 'mode'], ...(subset ? { subset } : {}) });
    asObjects(p.portLevelSettings).forEach((pl, i) => {
      const m = asString(get(pl, 'tls', 'mode')).toUpperCase();
      const port = Number(get(pl, 'port', 'number') ?? 0);
      if (m) out.push({ mode: m, port, path: [...base, 'portLevelSettings', i, 'tls', 'mode'], ...(subset ? { subset } : {}) });
    });
  };
  fromPolicy(spec.trafficPolicy, ['spec', 'trafficPolicy']);
  asArray(spec.subsets).forEach((s, i) => {
    const sub = asRecord(s);
    fromPolicy(sub.trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy'], asStringMap(sub.labels));
  });
  return out;
}

export const tlsModeConflictAnalyzer = defineAnalyzer({
  name: 'destinationrule.TlsModeConflictAnalyzer',
  description: 'Checks that DestinationRules do not send plaintext or one-way TLS to workloads whose PeerAuthentication is STRICT',
  inputs: ['DestinationRule', 'PeerAuthentication', 'Service', 'Pod'],
  optionalInputs: ['Namespace'],
  messages: ['DestinationRuleTlsConflictsWithStrictMtls'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const dr of snapshot.list('DestinationRule')) {
      const spec = asRecord(dr.object.spec);
      const host = asString(spec.host);
      const svc = kubeServiceForHost(snapshot, dr.namespace, host);
      if (!svc) continue;
      const ports = servicePorts(svc);
      const pods = distinctWorkloads(podsOfService(snapshot, svc).filter((p) => podSecuredByMesh(snapshot, p)));
      for (const t of tlsSettings(spec)) {
        if (!CONFLICTING.has(t.mode)) continue;
        const conflict = findStrict(pods, t, ports, (pod, port) => effectiveMtls(snapshot, ctx.mesh, ctx.istioNamespace, pod, port));
        if (!conflict) continue;
        ctx.report({ resource: dr, message: 'DestinationRuleTlsConflictsWithStrictMtls', args: [t.mode, host, conflict.workload, conflict.policy], path: t.path });
      }
    }
  },
});

function findStrict(
  pods: readonly Resource[],
  t: TlsSetting,
  ports: ReturnType<typeof servicePorts>,
  mtls: (pod: Resource, port?: number) => ReturnType<typeof effectiveMtls>,
): { workload: string; policy: string } | undefined {
  for (const pod of pods) {
    if (t.subset && !matchesLabels(t.subset, pod.labels)) continue;
    for (const sp of ports) {
      if (t.port !== undefined && sp.port !== t.port) continue;
      const containerPort = resolveTargetPort(pod, sp.targetPort);
      const m = mtls(pod, containerPort);
      if (m.mode !== 'STRICT' || !m.policy) continue;
      const portLevel = containerPort !== undefined && asRecord(get(m.policy.object, 'spec', 'portLevelMtls'))[String(containerPort)] !== undefined;
      const policy = `PeerAuthentication ${m.policy.namespace}/${m.policy.name}${portLevel ? ` port ${containerPort}` : ''}`;
      return { workload: `${podDisplayName(pod)} port ${containerPort ?? sp.targetPort}`, policy };
    }
  }
  return undefined;
}
