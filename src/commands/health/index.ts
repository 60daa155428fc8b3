import type { Command } from 'commander';
import type { Bind, CommandModule } from '../../cli/command.js';

// Registration only: the readers, judges and the Kubernetes client load when the command runs.
export const healthCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('health')
      .description('Is the Istio segment fine? A verdict per segment (control plane, sidecars, each traffic edge) now, over a window, or as Prometheus alert rules')
      .option('-A, --all-namespaces', 'judge the sidecars and traffic edges of every namespace (default: -n, else the context namespace)', false)
      .option('--prometheus <url>', 'Prometheus base URL (default: a prometheus Service in the Istio namespace or a monitoring namespace, via port-forward)')
      .option('--window <duration>', 'the window traffic and push/reject history are judged over (Prometheus duration)', '5m')
      .option('--at <time>', 'judge the window ending at TIME (RFC 3339 or Unix seconds) for a postmortem: Prometheus history only')
      .option('--watch [interval]', 'judge again every interval (default 30s): redraw on a terminal, one line per change when piped')
      .option('--rules <file>', 'override catalog thresholds from a YAML/JSON file: [{id, thresholds: {degraded, fail}, minRequests, for}]')
      .option('--emit-rules', 'print the catalog as Prometheus recording and alerting rules instead of judging (offline)', false)
      .option('--format <format>', 'with --emit-rules: prometheus (a rule file) or prometheus-operator (a PrometheusRule)', 'prometheus')
      .option('--timeout <duration>', 'per-request timeout for Kubernetes port-forwards, istiod, Envoy admin and Prometheus', '30s')
      .option('--proxy-admin-port <port>', 'Envoy admin port in the pods', '15000')
      .addHelpText(
        'after',
        `
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
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runHealthCommand(ctx, cmd)));
  },
};
