import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asString } from '../../util/objects.js';
import { serviceProtocol, type Protocol } from '../util/protocol.js';
import { distinctWorkloads, podSecuredByMesh, resolveTargetPort, servicePorts, servicesOfPod } from '../util/traffic.js';
import { hasTargetRef, podDisplayName } from '../util/workload.js';
import { selectedPods } from './request-principals-analyzer.js';

/** Protocols Istio serves with a TCP filter chain: no HTTP attributes exist there. */
const TCP_PROTOCOLS = new Set<Protocol>(['TCP', 'TLS', 'Mongo', 'Redis', 'MySQL']);
const HTTP_OPERATION_FIELDS = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];

/** The HTTP-only fields a rule uses (operation fields, request principals, request.* conditions). */
function httpOnlyFields(rule: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const t of asObjects(rule.to)) {
    const op = asRecord(t.operation);
    for (const f of HTTP_OPERATION_FIELDS) if (asArray(op[f]).length > 0) out.add(f);
  }
  for (const f of asObjects(rule.from)) {
    const src = asRecord(f.source);
    for (const k of ['requestPrincipals', 'notRequestPrincipals']) if (asArray(src[k]).length > 0) out.add(k);
  }
  for (const w of asObjects(rule.when)) {
    const key = asString(w.key);
    if (key.startsWith('request.')) out.add(key);
  }
  return [...out];
}

/** Workload ports the rule names in to.operation.ports (undefined: every port). */
function rulePorts(rule: Record<string, unknown>): Set<number> | undefined {
  const ports = asObjects(rule.to).flatMap((t) => asArray(asRecord(t.operation).ports).map(Number));
  return ports.length ? new Set(ports) : undefined;
}

/** The container ports a workload serves through Services, with the protocol Istio picks for each. */
function servedPorts(snapshot: Parameters<typeof servicesOfPod>[0], pod: Resource): { port: number; protocol: Protocol }[] {
  const out: { port: number; protocol: Protocol }[] = [];
  for (const svc of servicesOfPod(snapshot, pod)) {
    for (const sp of servicePorts(svc)) {
      const port = resolveTargetPort(pod, sp.targetPort);
      if (port === undefined) continue;
      out.push({ port, protocol: serviceProtocol(sp.port, sp.name, sp.protocol, sp.appProtocol) });
    }
  }
  return out;
}

export const tcpPortHttpRulesAnalyzer = defineAnalyzer({
  name: 'auth.TcpPortHttpRulesAnalyzer',
  description: 'Checks that AuthorizationPolicy rules with HTTP-only fields do not apply to workloads that serve only TCP ports',
  inputs: ['AuthorizationPolicy', 'Pod', 'Service'],
  optionalInputs: ['Namespace'],
  messages: ['HttpRuleOnTcpPort'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const root = String(ctx.mesh.rootNamespace || ctx.istioNamespace);
    for (const ap of snapshot.list('AuthorizationPolicy')) {
      if (hasTargetRef(ap)) continue;
      const spec = asRecord(ap.object.spec);
      const action = asString(spec.action).toUpperCase() || 'ALLOW';
      if (action !== 'ALLOW' && action !== 'DENY') continue;
      const pods = distinctWorkloads(selectedPods(snapshot, ap, root).filter((p) => podSecuredByMesh(snapshot, p)));
      asObjects(spec.rules).forEach((rule, i) => {
        const fields = httpOnlyFields(rule);
        if (fields.length === 0) return;
        const only = rulePorts(rule);
        for (const pod of pods) {
          const served = servedPorts(snapshot, pod).filter((p) => !only || only.has(p.port));
          if (served.length === 0 || !served.every((p) => TCP_PROTOCOLS.has(p.protocol))) continue;
          const effect =
            action === 'ALLOW'
              ? 'Istio drops the rule for TCP, so it never matches and the connections it should allow are denied'
              : 'Istio drops the HTTP-only fields for TCP, so the rule matches and denies every connection';
          const ports = [...new Set(served.map((p) => `${p.port}/${p.protocol}`))].join(', ');
          ctx.report({ resource: ap, message: 'HttpRuleOnTcpPort', args: [i, fields.join(', '), podDisplayName(pod), ports, effect], path: ['spec', 'rules', i] });
          return;
        }
      });
    }
  },
});
