/**
 * The rule catalog: one entry per signal `health` judges, with the threshold defaults and where
 * they come from (Kiali's health config, the Istio Prometheus mixin, or ours, marked "suggested").
 * The same entries drive the live verdicts and `--emit-rules`, so an alert fires on exactly what
 * `health` calls DEGRADED or FAIL. A YAML/JSON file can override thresholds per id (--rules FILE).
 *
 * Thresholds: for bad "above", value > fail is FAIL, else value > degraded is DEGRADED; for
 * "below", value < fail is FAIL, else value < degraded is DEGRADED. Either may be absent.
 */
import type { SegmentKind, Source } from './model.js';

export type Unit = 'count' | 'ratio' | 'seconds' | 'milliseconds' | 'days' | 'replicas' | 'pods' | 'proxies' | 'webhooks';

export interface Thresholds {
  readonly degraded?: number;
  readonly fail?: number;
}

export interface RuleSpec {
  readonly id: string;
  readonly segment: SegmentKind;
  readonly title: string;
  readonly source: Source;
  /** Prometheus: the query (`$window` stands for the window). Otherwise: what is read. */
  readonly query: string;
  readonly bad: 'above' | 'below';
  readonly thresholds: Thresholds;
  readonly unit: Unit;
  /** Where the default thresholds come from. */
  readonly origin: string;
  /** Edge rules: an edge with fewer requests (connections, for TCP) than this in the window is not judged (UNKNOWN). */
  readonly minRequests?: number;
  /**
   * Edge rules: what `minRequests` counts, per edge: the increase of this counter on this
   * reporter's side. `health` judges the ratio over the same side's total, and `--emit-rules`
   * gates the recording rule with the same counter, so both skip the same quiet edges.
   */
  readonly volume?: { readonly metric: string; readonly reporter: 'source' | 'destination' };
  /**
   * Prometheus series that exist only after the first event (pilot_total_xds_rejects…): an empty
   * answer means 0 only when this selector has series (istiod is scraped); otherwise UNKNOWN.
   */
  readonly zeroWhenPresent?: string;
  /**
   * A live read (Kubernetes, istiod, Envoy admin) that answers the same question: when this
   * Prometheus series is absent and that check ran, the live check stands alone.
   */
  readonly coveredBy?: string;
  /** The alert `--emit-rules` writes (Prometheus entries only). */
  readonly alert?: { readonly name: string; readonly for: string; readonly summary: string };
  /** The next command, with {ns} / {namespace} / {from} / {to} filled in by the judge. */
  readonly next?: string;
}

/** The labels an edge is keyed by (source workload → destination service), in both reporters. */
export const EDGE_LABELS = ['source_workload', 'source_workload_namespace', 'destination_service', 'destination_service_name', 'destination_service_namespace'] as const;

/** Envoy response flags the proxy sets on its own, with no answer from upstream (client side / gateway). */
export const LOCAL_REPLY_FLAGS = 'NR|NC|UH|UO|DPE|UAEX|RL|UMSDR|NFCF|IH|SI';
/** Flags of an upstream connection that failed or was reset: on the source side, the network or the server. */
export const UPSTREAM_FAILURE_FLAGS = 'UF|URX|UC|UT|UPE|LR';
/**
 * Flags the server sidecar sets itself. UF/URX on the destination side mean the local app port
 * refused the connection: that is the server app (not listening), not its sidecar.
 */
export const SERVER_PROXY_FLAGS = 'UC|UT|UH|UO|DPE|NR|NC|LR|UPE|RL|UAEX|IH|SI|UMSDR';
/** Flags of the server sidecar's connection to the local app port failing: the app is not listening. */
export const APP_REFUSED_FLAGS = 'UF|URX';
/**
 * A TCP connection has no response code: a connection the destination side closed with any flag
 * (response_flags neither "-" nor absent) is one the server side saw fail.
 */
export const TCP_FLAGGED = 'response_flags!~"-|"';

/** A PromQL regex matching a comma-joined response_flags value that contains one of `flags`. */
export function flagsRegex(flags: string): string {
  return `(.*,)?(${flags})(,.*)?`;
}

const W = '$window';
const by = `sum by (${EDGE_LABELS.join(', ')})`;
const req = (sel: string) => `${by} (increase(istio_requests_total{${sel}}[${W}]))`;
// TCP edges count connections: Istio reports istio_tcp_connections_closed_total with the
// response_flags the connection ended with (no response_code). The ratios are over the
// connections closed in the window: opened_total would count connections still open (or opened
// before the window), so a flagged/opened ratio could pass 100 %.
const TCP_CLOSED = 'istio_tcp_connections_closed_total';
const conn = (sel: string) => `${by} (increase(${TCP_CLOSED}{${sel}}[${W}]))`;
const HTTP_SRC = { metric: 'istio_requests_total', reporter: 'source' } as const;
const HTTP_DST = { metric: 'istio_requests_total', reporter: 'destination' } as const;
const TCP_SRC = { metric: TCP_CLOSED, reporter: 'source' } as const;
const TCP_DST = { metric: TCP_CLOSED, reporter: 'destination' } as const;
const EDGE_ALERT = '{{ $labels.source_workload }}.{{ $labels.source_workload_namespace }} → {{ $labels.destination_service_name }}.{{ $labels.destination_service_namespace }}';
const PILOT = 'istio_build{component="pilot"}';
// Envoy's own "connected to the management server" gauge, or the xds-grpc cluster's active
// connections (both exported by Istio's default stats inclusion), one per scrape target.
const XDS_CX = 'envoy_control_plane_connected_state or on(instance) envoy_cluster_upstream_cx_active{cluster_name="xds-grpc"}';
const XDS_DOWN = 'envoy_control_plane_connected_state == 0 or on(instance) envoy_cluster_upstream_cx_active{cluster_name="xds-grpc"} == 0';

export const CATALOG: readonly RuleSpec[] = [
  // ------------------------------------------------------------ control plane: Kubernetes and istiod
  { id: 'cp.istiod-ready', segment: 'control-plane', title: 'istiod pods ready', source: 'kubernetes', query: 'pods -l app=istiod in the Istio namespace: Ready condition', bad: 'above', thresholds: { degraded: 0 }, unit: 'pods', origin: 'no istiod ready is FAIL; any not ready is DEGRADED', next: 'kubectl get pods -n {istioNamespace} -l app=istiod' },
  { id: 'cp.istiod-replicas', segment: 'control-plane', title: 'istiod replicas', source: 'kubernetes', query: 'deployments -l app=istiod: spec.replicas', bad: 'below', thresholds: { degraded: 2 }, unit: 'replicas', origin: 'a single replica has no redundancy during a restart or node drain (suggested)', next: 'kubectl scale deploy -n {istioNamespace} istiod --replicas=2' },
  { id: 'cp.pdb-disruptions', segment: 'control-plane', title: 'PodDisruptionBudgets allow a disruption', source: 'kubernetes', query: 'poddisruptionbudgets in the Istio namespace: status.disruptionsAllowed', bad: 'below', thresholds: { degraded: 1 }, unit: 'pods', origin: 'a PDB allowing 0 disruptions blocks every node drain (istiod with 1 replica and minAvailable: 1)', next: 'kubectl get pdb -n {istioNamespace}' },
  { id: 'cp.hpa-headroom', segment: 'control-plane', title: 'HorizontalPodAutoscalers below their maximum', source: 'kubernetes', query: 'horizontalpodautoscalers in the Istio namespace: spec.maxReplicas - status.currentReplicas', bad: 'below', thresholds: { degraded: 1 }, unit: 'replicas', origin: 'an HPA pinned at its maximum cannot absorb more load (suggested)', next: 'kubectl describe hpa -n {istioNamespace}' },
  { id: 'cp.webhooks', segment: 'control-plane', title: 'Istio webhooks have a CA bundle', source: 'kubernetes', query: 'mutating/validatingwebhookconfigurations of Istio: webhooks[].clientConfig.caBundle', bad: 'above', thresholds: { fail: 0 }, unit: 'webhooks', origin: 'without a caBundle the API server cannot call istiod: injection or validation fails', next: 'kubectl get mutatingwebhookconfigurations,validatingwebhookconfigurations -l app=sidecar-injector -o yaml' },
  { id: 'cp.root-cert-expiry', segment: 'control-plane', title: 'root certificate validity', source: 'kubernetes', query: 'configmap istio-ca-root-cert in the Istio namespace: root-cert.pem notAfter', bad: 'below', thresholds: { degraded: 30, fail: 0 }, unit: 'days', origin: '30 days (suggested; Linkerd warns at 60)', next: 'istio-ts proxy-config secret -n {istioNamespace} deploy/istiod' },
  { id: 'cp.version-eol', segment: 'control-plane', title: 'control plane Istio version supported', source: 'istiod', query: 'GET /version from every istiod; end-of-life dates of istio.io supported releases', bad: 'below', thresholds: { degraded: 0 }, unit: 'days', origin: 'a minor is supported until 6 weeks after the N+2 minor (istio.io support policy)', next: 'istio-ts version' },
  { id: 'cp.data-plane-skew', segment: 'control-plane', title: 'data plane within one minor of the control plane', source: 'istiod', query: 'GET /debug/syncz from every istiod: istio_version per proxy vs istiod /version', bad: 'above', thresholds: { degraded: 0 }, unit: 'proxies', origin: 'Istio supports a data plane at most one minor behind its control plane', next: 'istio-ts proxy-status' },
  // ------------------------------------------------------------ sidecars: istiod and Envoy admin
  { id: 'sidecars.connected', segment: 'sidecars', title: 'injected pods with a proxy connected to istiod', source: 'istiod', query: 'running pods with sidecar.istio.io/status vs proxies in every istiod\'s /debug/syncz', bad: 'above', thresholds: { fail: 0 }, unit: 'pods', origin: 'a running injected pod whose proxy is not connected gets no config (istio#8320)', next: 'istio-ts proxy-status {nsFlag}' },
  { id: 'sidecars.rejected', segment: 'sidecars', title: 'proxies that rejected config (NACK)', source: 'istiod', query: 'GET /debug/syncz from every istiod: per-type state ERROR', bad: 'above', thresholds: { fail: 0 }, unit: 'proxies', origin: 'a NACK leaves the proxy on old config (Consul, Gloo: "0 rejected configurations")', next: 'istio-ts proxy-status {nsFlag}' },
  { id: 'sidecars.stale', segment: 'sidecars', title: 'proxies not acknowledging pushes (STALE)', source: 'istiod', query: 'GET /debug/syncz from every istiod: per-type state STALE', bad: 'above', thresholds: { degraded: 0 }, unit: 'proxies', origin: 'istio#24310: alert on STALE proxy status', next: 'istio-ts proxy-status {nsFlag}' },
  { id: 'sidecars.pods-ready', segment: 'sidecars', title: 'injected pods ready', source: 'kubernetes', query: 'running pods with sidecar.istio.io/status: Ready condition', bad: 'above', thresholds: { degraded: 0 }, unit: 'pods', origin: 'a pod that is not Ready receives no traffic', next: 'kubectl get pods {nsFlag}' },
  { id: 'sidecars.cert-expiry', segment: 'sidecars', title: 'workload certificates valid', source: 'envoy', query: 'GET /certs from each proxy (Envoy admin): cert_chain expiration_time', bad: 'below', thresholds: { degraded: 3600, fail: 0 }, unit: 'seconds', origin: 'workload certificates live 24 h and rotate at half-life; less than 1 h left means rotation stopped (suggested)', next: 'istio-ts proxy-config secret {pod}' },
  // ------------------------------------------------------------ control plane: Prometheus history
  { id: 'cp.istiod-scraped', segment: 'control-plane', title: 'istiod metrics in Prometheus', source: 'prometheus', query: `count(${PILOT})`, bad: 'below', thresholds: { fail: 1 }, unit: 'count', origin: 'no istio_build series: nothing about istiod can be judged from Prometheus', alert: { name: 'IstioTsIstiodNotScraped', for: '5m', summary: 'Prometheus has no istio_build{component="pilot"} series: istiod is not scraped or not running' } },
  { id: 'cp.xds-rejects', segment: 'control-plane', title: 'config rejected by proxies (NACK)', source: 'prometheus', query: `sum(increase(pilot_total_xds_rejects[${W}]))`, zeroWhenPresent: PILOT, bad: 'above', thresholds: { fail: 0 }, unit: 'count', origin: 'any NACK (Istio mixin: pilot_total_xds_rejects)', alert: { name: 'IstioTsXdsRejected', for: '0m', summary: 'proxies rejected istiod config {{ $value }} times in the window' }, next: 'istio-ts proxy-status' },
  { id: 'cp.push-send-errors', segment: 'control-plane', title: 'xDS pushes that failed to send', source: 'prometheus', query: `sum(increase(pilot_xds_pushes{type=~".+_senderr"}[${W}]))`, zeroWhenPresent: PILOT, bad: 'above', thresholds: { degraded: 0 }, unit: 'count', origin: 'istio#24310: STALE and NOT SENT proxies follow send errors', alert: { name: 'IstioTsXdsPushSendErrors', for: '0m', summary: 'istiod failed to send {{ $value }} xDS pushes in the window' }, next: 'istio-ts proxy-status' },
  { id: 'cp.xds-internal-errors', segment: 'control-plane', title: 'istiod internal, push-context and write-timeout errors', source: 'prometheus', query: `sum(increase({__name__=~"pilot_total_xds_internal_errors|pilot_xds_push_context_errors|pilot_xds_write_timeout"}[${W}]))`, zeroWhenPresent: PILOT, bad: 'above', thresholds: { degraded: 0 }, unit: 'count', origin: 'any (Istio mixin)', alert: { name: 'IstioTsXdsInternalErrors', for: '0m', summary: 'istiod counted {{ $value }} internal/push-context/write-timeout errors in the window' }, next: 'kubectl logs -n {istioNamespace} -l app=istiod --tail=200' },
  { id: 'cp.convergence-p99', segment: 'control-plane', title: 'push convergence time p99', source: 'prometheus', query: `histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_convergence_time_bucket[${W}])))`, zeroWhenPresent: PILOT, bad: 'above', thresholds: { degraded: 5 }, unit: 'seconds', origin: '5 s (suggested)', alert: { name: 'IstioTsSlowConvergence', for: '5m', summary: 'p99 xDS push convergence is {{ $value }}s' } },
  { id: 'cp.config-conflicts', segment: 'control-plane', title: 'listener/cluster/domain conflicts in pushed config', source: 'prometheus', query: 'sum({__name__=~"pilot_conflict_inbound_listener|pilot_conflict_outbound_listener_tcp_over_current_tcp|pilot_duplicate_envoy_clusters|pilot_vservice_dup_domain"})', zeroWhenPresent: PILOT, bad: 'above', thresholds: { degraded: 0 }, unit: 'count', origin: 'any (Istio mixin)', alert: { name: 'IstioTsConfigConflicts', for: '5m', summary: 'istiod reports {{ $value }} conflicting listeners, clusters or domains' }, next: 'istio-ts analyze -A' },
  { id: 'cp.injection-failures', segment: 'control-plane', title: 'sidecar injection failures', source: 'prometheus', query: `sum(increase(sidecar_injection_failure_total[${W}]))`, zeroWhenPresent: PILOT, bad: 'above', thresholds: { fail: 0 }, unit: 'count', origin: 'any: a pod started without its sidecar', alert: { name: 'IstioTsInjectionFailures', for: '0m', summary: 'sidecar injection failed {{ $value }} times in the window' }, next: 'istio-ts check-inject' },
  { id: 'cp.csr-sign-errors', segment: 'control-plane', title: 'certificate signing errors', source: 'prometheus', query: `sum(increase(citadel_server_csr_sign_err_count[${W}]))`, zeroWhenPresent: PILOT, bad: 'above', thresholds: { fail: 0 }, unit: 'count', origin: 'any: workloads cannot renew certificates', alert: { name: 'IstioTsCsrSignErrors', for: '0m', summary: 'istiod failed to sign {{ $value }} CSRs in the window' }, next: 'kubectl logs -n {istioNamespace} -l app=istiod --tail=200' },
  { id: 'cp.root-cert-expiry-seconds', segment: 'control-plane', title: 'root certificate time left (istiod)', source: 'prometheus', query: 'min(citadel_server_root_cert_expiry_timestamp) - time()', bad: 'below', thresholds: { degraded: 2592000, fail: 0 }, unit: 'seconds', coveredBy: 'cp.root-cert-expiry', origin: '30 days (suggested; Linkerd warns at 60)', alert: { name: 'IstioTsRootCertExpiring', for: '0m', summary: 'the mesh root certificate expires in {{ $value | humanizeDuration }}' } },
  // ------------------------------------------------------------ sidecars: Prometheus
  { id: 'sidecars.xds-disconnected', segment: 'sidecars', title: 'proxies without an istiod connection', source: 'prometheus', query: `count(${XDS_DOWN})`, zeroWhenPresent: XDS_CX, coveredBy: 'sidecars.connected', bad: 'above', thresholds: { fail: 0 }, unit: 'proxies', origin: 'a proxy that lost istiod gets no new config (istio#8320)', alert: { name: 'IstioTsProxyLostIstiod', for: '1m', summary: '{{ $value }} proxies have no active xds-grpc connection' }, next: 'istio-ts proxy-status' },
  { id: 'sidecars.cert-expiry-seconds', segment: 'sidecars', title: 'workload certificate time left (istio-agent)', source: 'prometheus', query: 'min(istio_agent_cert_expiry_seconds)', bad: 'below', thresholds: { degraded: 3600, fail: 0 }, unit: 'seconds', coveredBy: 'sidecars.cert-expiry', origin: 'less than 1 h left means rotation stopped (suggested)', alert: { name: 'IstioTsWorkloadCertExpiring', for: '0m', summary: 'a workload certificate expires in {{ $value | humanizeDuration }}' } },
  // ------------------------------------------------------------ traffic as a whole
  { id: 'traffic.series', segment: 'traffic', title: 'request metrics with reporter and response_flags', source: 'prometheus', query: `count by (reporter) (increase(istio_requests_total[${W}]))`, bad: 'below', thresholds: {}, unit: 'count', origin: 'no series, or series without the reporter/response_flags labels (Telemetry API, relabeling), cannot be judged: UNKNOWN' },
  { id: 'traffic.coverage', segment: 'traffic', title: 'injected workloads with request metrics', source: 'prometheus', query: `${by} (increase(istio_requests_total[${W}])) (as source or destination) vs injected workloads from Kubernetes`, bad: 'above', thresholds: {}, unit: 'count', origin: 'a workload with no series is not known to be fine: UNKNOWN' },
  // ------------------------------------------------------------ traffic edges: istio_requests_total, both reporters joined
  { id: 'edge.client-sidecar', volume: HTTP_SRC, segment: 'client-sidecar', title: 'requests the client sidecar answered itself', source: 'prometheus', query: `${req(`reporter="source",source_workload!~".*gateway.*",response_flags=~"${flagsRegex(LOCAL_REPLY_FLAGS)}"`)} / ${req('reporter="source"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'Kiali 5xx tolerance: degraded > 0 %, failure ≥ 10 %', alert: { name: 'IstioTsClientSidecarErrors', for: '5m', summary: '{{ $labels.source_workload }}.{{ $labels.source_workload_namespace }} → {{ $labels.destination_service_name }}.{{ $labels.destination_service_namespace }}: {{ $value | humanizePercentage }} answered by the client sidecar (NR/UH/UO/…)' }, next: 'istio-ts diagnose {from} {to}' },
  { id: 'edge.gateway', volume: HTTP_SRC, segment: 'gateway', title: 'requests the gateway answered itself', source: 'prometheus', query: `${req(`reporter="source",source_workload=~".*gateway.*",response_flags=~"${flagsRegex(LOCAL_REPLY_FLAGS)}"`)} / ${req('reporter="source"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'Kiali 5xx tolerance: degraded > 0 %, failure ≥ 10 %; NR = no VirtualService route', alert: { name: 'IstioTsGatewayErrors', for: '5m', summary: '{{ $labels.source_workload }}.{{ $labels.source_workload_namespace }} → {{ $labels.destination_service_name }}.{{ $labels.destination_service_namespace }}: {{ $value | humanizePercentage }} answered by the gateway (NR/UH/…)' }, next: 'istio-ts diagnose ingress {to} --via {from}' },
  { id: 'edge.network', volume: HTTP_SRC, segment: 'network', title: 'upstream failures the server side did not see', source: 'prometheus', query: `clamp_min(${req(`reporter="source",response_flags=~"${flagsRegex(UPSTREAM_FAILURE_FLAGS)}"`)} - (${req('reporter="destination",response_code=~"5.."')} or ${req(`reporter="source",response_flags=~"${flagsRegex(UPSTREAM_FAILURE_FLAGS)}"`)} * 0), 0) / ${req('reporter="source"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'source reporter UF/URX/UC/UT without matching destination errors (Kiali CombineReporters); Kiali 5xx tolerance', alert: { name: 'IstioTsNetworkErrors', for: '5m', summary: '{{ $labels.source_workload }}.{{ $labels.source_workload_namespace }} → {{ $labels.destination_service_name }}.{{ $labels.destination_service_namespace }}: {{ $value | humanizePercentage }} failed between the sidecars' }, next: 'istio-ts diagnose {from} {to}' },
  { id: 'edge.server-sidecar', volume: HTTP_DST, segment: 'server-sidecar', title: 'requests the server sidecar failed itself', source: 'prometheus', query: `${req(`reporter="destination",response_flags=~"${flagsRegex(SERVER_PROXY_FLAGS)}"`)} / ${req('reporter="destination"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'Kiali 5xx tolerance: degraded > 0 %, failure ≥ 10 %', alert: { name: 'IstioTsServerSidecarErrors', for: '5m', summary: '{{ $labels.source_workload }}.{{ $labels.source_workload_namespace }} → {{ $labels.destination_service_name }}.{{ $labels.destination_service_namespace }}: {{ $value | humanizePercentage }} failed in the server sidecar' }, next: 'istio-ts diagnose {from} {to}' },
  { id: 'edge.server-app', volume: HTTP_DST, segment: 'server-app', title: '5xx from the server app (or its port refused)', source: 'prometheus', query: `${req(`reporter="destination",response_code=~"5..",response_flags!~"${flagsRegex(SERVER_PROXY_FLAGS)}"`)} / ${req('reporter="destination"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'Kiali 5xx tolerance: degraded > 0 %, failure ≥ 10 % (Istio mixin: > 5 % for 5 m is critical)', alert: { name: 'IstioTsServerAppErrors', for: '5m', summary: '{{ $labels.source_workload }}.{{ $labels.source_workload_namespace }} → {{ $labels.destination_service_name }}.{{ $labels.destination_service_namespace }}: {{ $value | humanizePercentage }} 5xx from the app' }, next: 'istio-ts diagnose {from} {to}' },
  { id: 'edge.latency', volume: { metric: 'istio_request_duration_milliseconds_count', reporter: 'destination' }, segment: 'server-app', title: 'average request duration', source: 'prometheus', query: `${by} (increase(istio_request_duration_milliseconds_sum{reporter="destination"}[${W}])) / ${by} (increase(istio_request_duration_milliseconds_count{reporter="destination"}[${W}]))`, bad: 'above', thresholds: { degraded: 4000 }, unit: 'milliseconds', minRequests: 5, origin: 'Istio mixin: average > 4 s for 5 m is a warning', alert: { name: 'IstioTsSlowRequests', for: '5m', summary: '{{ $labels.source_workload }}.{{ $labels.source_workload_namespace }} → {{ $labels.destination_service_name }}.{{ $labels.destination_service_namespace }}: average {{ $value }} ms' }, next: 'istio-ts diagnose {from} {to}' },
  // ------------------------------------------------------------ TCP edges: istio_tcp_connections_closed_total, both reporters joined
  { id: 'edge.tcp-client-sidecar', volume: TCP_SRC, segment: 'client-sidecar', title: 'TCP connections the client sidecar closed itself', source: 'prometheus', query: `${conn(`reporter="source",source_workload!~".*gateway.*",response_flags=~"${flagsRegex(LOCAL_REPLY_FLAGS)}"`)} / ${conn('reporter="source"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'Kiali marks a TCP edge with response_flags other than "-" as failing; its 5xx tolerance: degraded > 0 %, failure ≥ 10 %', alert: { name: 'IstioTsTcpClientSidecarErrors', for: '5m', summary: `${EDGE_ALERT} (tcp): {{ $value | humanizePercentage }} of connections closed by the client sidecar (UH/NR/UO/…)` }, next: 'istio-ts diagnose {from} {to}' },
  { id: 'edge.tcp-gateway', volume: TCP_SRC, segment: 'gateway', title: 'TCP connections the gateway closed itself', source: 'prometheus', query: `${conn(`reporter="source",source_workload=~".*gateway.*",response_flags=~"${flagsRegex(LOCAL_REPLY_FLAGS)}"`)} / ${conn('reporter="source"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'Kiali marks a TCP edge with response_flags other than "-" as failing; its 5xx tolerance: degraded > 0 %, failure ≥ 10 %', alert: { name: 'IstioTsTcpGatewayErrors', for: '5m', summary: `${EDGE_ALERT} (tcp): {{ $value | humanizePercentage }} of connections closed by the gateway (UH/NR/…)` }, next: 'istio-ts diagnose ingress {to} --via {from}' },
  { id: 'edge.tcp-network', volume: TCP_SRC, segment: 'network', title: 'TCP upstream failures the server side did not see', source: 'prometheus', query: `clamp_min(${conn(`reporter="source",response_flags=~"${flagsRegex(UPSTREAM_FAILURE_FLAGS)}"`)} - (${conn(`reporter="destination",${TCP_FLAGGED}`)} or ${conn(`reporter="source",response_flags=~"${flagsRegex(UPSTREAM_FAILURE_FLAGS)}"`)} * 0), 0) / ${conn('reporter="source"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'source reporter UF/URX/UC/UT beyond the connections the destination side closed with a flag (Kiali CombineReporters); Kiali tolerance', alert: { name: 'IstioTsTcpNetworkErrors', for: '5m', summary: `${EDGE_ALERT} (tcp): {{ $value | humanizePercentage }} of connections failed between the sidecars` }, next: 'istio-ts diagnose {from} {to}' },
  { id: 'edge.tcp-server-sidecar', volume: TCP_DST, segment: 'server-sidecar', title: 'TCP connections the server sidecar failed itself', source: 'prometheus', query: `${conn(`reporter="destination",response_flags=~"${flagsRegex(SERVER_PROXY_FLAGS)}"`)} / ${conn('reporter="destination"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'Kiali marks a TCP edge with response_flags other than "-" as failing; its 5xx tolerance: degraded > 0 %, failure ≥ 10 %', alert: { name: 'IstioTsTcpServerSidecarErrors', for: '5m', summary: `${EDGE_ALERT} (tcp): {{ $value | humanizePercentage }} of connections failed in the server sidecar` }, next: 'istio-ts diagnose {from} {to}' },
  { id: 'edge.tcp-server-app', volume: TCP_DST, segment: 'server-app', title: 'TCP connections the server app refused', source: 'prometheus', query: `${conn(`reporter="destination",response_flags=~"${flagsRegex(APP_REFUSED_FLAGS)}",response_flags!~"${flagsRegex(SERVER_PROXY_FLAGS)}"`)} / ${conn('reporter="destination"')}`, bad: 'above', thresholds: { degraded: 0, fail: 0.1 }, unit: 'ratio', minRequests: 5, origin: 'UF/URX on the server side: the local app port refused (the app is not listening); Kiali tolerance: degraded > 0 %, failure ≥ 10 %', alert: { name: 'IstioTsTcpServerAppErrors', for: '5m', summary: `${EDGE_ALERT} (tcp): {{ $value | humanizePercentage }} of connections refused by the app port` }, next: 'istio-ts diagnose {from} {to}' },
];

export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

/**
 * Applies an override file: a list (or {rules: [...]}) of {id, thresholds?, minRequests?, for?}.
 * Unknown ids and bad numbers are errors naming the file and line.
 */
export function applyOverrides(base: readonly RuleSpec[], entries: readonly { id?: unknown; thresholds?: unknown; minRequests?: unknown; for?: unknown; line: number }[], file: string): RuleSpec[] {
  const out = base.map((r) => ({ ...r }));
  for (const e of entries) {
    const where = `${file}:${e.line}`;
    if (typeof e.id !== 'string') throw new CatalogError(`${where}: an override needs an "id" (one of the catalog ids, e.g. edge.server-app)`);
    const i = out.findIndex((r) => r.id === e.id);
    if (i < 0) throw new CatalogError(`${where}: unknown rule id "${e.id}" (known: ${base.map((r) => r.id).join(', ')})`);
    let r: RuleSpec = out[i]!;
    if (e.thresholds !== undefined) {
      if (typeof e.thresholds !== 'object' || e.thresholds === null || Array.isArray(e.thresholds)) throw new CatalogError(`${where}: ${e.id}: thresholds must be a map {degraded, fail}`);
      const t = e.thresholds as Record<string, unknown>;
      for (const k of Object.keys(t)) {
        if (k !== 'degraded' && k !== 'fail') throw new CatalogError(`${where}: ${e.id}: unknown threshold "${k}" (degraded, fail)`);
        if (t[k] !== null && (typeof t[k] !== 'number' || !Number.isFinite(t[k]))) throw new CatalogError(`${where}: ${e.id}: thresholds.${k} must be a number (or null to drop it)`);
      }
      const merged: { degraded?: number; fail?: number } = { ...r.thresholds };
      for (const k of ['degraded', 'fail'] as const) {
        if (k in t) {
          if (t[k] === null) delete merged[k];
          else merged[k] = t[k] as number;
        }
      }
      r = { ...r, thresholds: merged };
    }
    if (e.minRequests !== undefined) {
      if (typeof e.minRequests !== 'number' || !Number.isInteger(e.minRequests) || e.minRequests < 0) throw new CatalogError(`${where}: ${e.id}: minRequests must be a whole number ≥ 0`);
      if (r.minRequests === undefined) throw new CatalogError(`${where}: ${e.id}: minRequests applies to edge rules only`);
      r = { ...r, minRequests: e.minRequests };
    }
    if (e.for !== undefined) {
      if (typeof e.for !== 'string' || !/^(\d+[smhdwy])+$/.test(e.for)) throw new CatalogError(`${where}: ${e.id}: "for" must be a Prometheus duration such as 5m`);
      if (!r.alert) throw new CatalogError(`${where}: ${e.id}: "for" applies to Prometheus rules only`);
      r = { ...r, alert: { ...r.alert, for: e.for } };
    }
    out[i] = r;
  }
  return out;
}

/** Judges one value against a rule's thresholds. */
export function judge(r: Pick<RuleSpec, 'bad' | 'thresholds'>, value: number): 'OK' | 'DEGRADED' | 'FAIL' {
  const { degraded, fail } = r.thresholds;
  if (r.bad === 'above') {
    if (fail !== undefined && value > fail) return 'FAIL';
    if (degraded !== undefined && value > degraded) return 'DEGRADED';
  } else {
    if (fail !== undefined && value < fail) return 'FAIL';
    if (degraded !== undefined && value < degraded) return 'DEGRADED';
  }
  return 'OK';
}

/** "> 0 → FAIL", "< 30 days → DEGRADED, < 0 → FAIL". */
export function describeThreshold(r: Pick<RuleSpec, 'bad' | 'thresholds' | 'unit'>): string {
  const op = r.bad === 'above' ? '>' : '<';
  const fmt = (n: number) => (r.unit === 'ratio' ? `${+(n * 100).toFixed(2)}%` : `${n}${r.unit === 'seconds' ? 's' : r.unit === 'milliseconds' ? 'ms' : r.unit === 'days' ? ' days' : ''}`);
  const parts: string[] = [];
  if (r.thresholds.degraded !== undefined) parts.push(`${op} ${fmt(r.thresholds.degraded)} DEGRADED`);
  if (r.thresholds.fail !== undefined) parts.push(`${op} ${fmt(r.thresholds.fail)} FAIL`);
  return parts.join(', ');
}

export function ruleById(rules: readonly RuleSpec[], id: string): RuleSpec {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`internal: no rule ${id} in the catalog`);
  return r;
}
