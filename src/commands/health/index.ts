import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

// The declaration only: the readers, judges and the Kubernetes client load when the command runs.
export const healthFlags = flagTable({
  allNamespaces: { kind: 'switch', flags: '-A, --all-namespaces', description: 'judge the sidecars and traffic edges of every namespace (default: -n, else the context namespace)', default: false },
  prometheus: { kind: 'string', flags: '--prometheus <url>', description: 'Prometheus base URL (default: a prometheus Service in the Istio namespace or a monitoring namespace, via port-forward)' },
  window: { kind: 'string', flags: '--window <duration>', description: 'the window traffic and push/reject history are judged over (Prometheus duration)', default: '5m' },
  at: { kind: 'string', flags: '--at <time>', description: 'judge the window ending at TIME (RFC 3339 or Unix seconds) for a postmortem: Prometheus history only' },
  watch: { kind: 'duration', flags: '--watch [interval]', description: 'judge again every interval (default 30s): redraw on a terminal, one line per change when piped', minMs: 1000, whenBare: '30s' },
  rules: { kind: 'string', flags: '--rules <file>', description: 'override catalog thresholds from a YAML/JSON file: [{id, thresholds: {degraded, fail}, minRequests, for}]' },
  emitRules: {
    kind: 'switch',
    flags: '--emit-rules',
    description: 'print the catalog as Prometheus recording and alerting rules instead of judging (offline)',
    default: false,
    replacesOutput: '--emit-rules writes a YAML rule file; -o does not apply (use --format prometheus|prometheus-operator)',
  },
  format: { kind: 'string', flags: '--format <format>', description: 'with --emit-rules: prometheus (a rule file) or prometheus-operator (a PrometheusRule)', default: 'prometheus' },
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'per-request timeout for Kubernetes port-forwards, istiod, Envoy admin and Prometheus', default: '30s', minMs: 1 },
  proxyAdminPort: { kind: 'port', flags: '--proxy-admin-port <port>', description: 'Envoy admin port in the pods', default: '15000' },
});
export type HealthFlags = FlagValues<typeof healthFlags>;
export const HEALTH_FORMATS = ['table', 'json', 'junit'] as const;
export type HealthFormat = (typeof HEALTH_FORMATS)[number];

export const healthCommand = defineCommand({
  name: 'health',
  description: 'Is the Istio segment fine? A verdict per segment (control plane, sidecars, each traffic edge) now, over a window, or as Prometheus alert rules',
  flags: healthFlags,
  formats: HEALTH_FORMATS,
  help: `
Segments and their sources (docs/health.md lists every rule, its query and threshold source):
  control-plane   istiod pods ready, replicas, PodDisruptionBudgets, HPAs, webhook caBundles, root
                  certificate, Istio end of life, data-plane skew (Kubernetes, istiod /version and
                  /debug/syncz); pushes, rejects, conflicts, injection and CSR errors (Prometheus)
  sidecars        injected pods with a proxy connected to istiod (every istiod's syncz), NACKs,
                  STALE proxies, pods ready, workload certificates (Envoy /certs)
  traffic, edges  istio_requests_total from both reporters, joined per edge: client sidecar or
                  gateway, network, server sidecar, server app (Prometheus)
Verdicts: OK, DEGRADED, FAIL, UNKNOWN. No data is UNKNOWN, never OK.

Output (-o): table (default), json, junit.
Exit codes: 0 every segment in scope is OK; 81 a segment FAILs; 82 a segment is DEGRADED (none
fails); 83 cannot tell: a segment is UNKNOWN (none fails or is degraded), e.g. nothing reachable;
64 usage; 65 bad --rules file; 66 --rules file missing.

Examples:
  istio-ts health -A
  istio-ts health -n shop --prometheus http://127.0.0.1:9090 --window 15m
  istio-ts health -A --at 2026-12-03T02:40:00Z --window 30m -o json
  istio-ts health -A --watch 30s | tee health.log
  istio-ts health --emit-rules > istio-ts-rules.yaml && promtool check rules istio-ts-rules.yaml
  istio-ts health --emit-rules --format prometheus-operator | kubectl apply -n monitoring -f -`,
  load: async () => (await import('./action.js')).implementation(),
});
