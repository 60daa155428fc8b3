/**
 * The evidence catalog: every finding a probe can report, by id. Probes report an id and its
 * arguments (like analyzers report catalog messages); the summary and the next command are
 * formatted here, in one place, so wording stays consistent and a meta-test can check that every
 * id a probe declares exists. Placeholders are {name}; a missing argument is left visible.
 */
import type { Evidence, SegmentName } from './model.js';

export interface EvidenceType {
  readonly status: Evidence['status'];
  readonly weight: Evidence['weight'];
  readonly template: string;
  readonly next?: string;
}

export const EVIDENCE = {
  // pod-status
  'pod.container-ready': { status: 'ok', weight: 1, template: '{role} pod {pod}: container {container} ready, {restarts} restarts' },
  'pod.container-not-ready': { status: 'fault', weight: 2, template: '{role} pod {pod}: container {container} not ready ({state}), {restarts} restarts{last}', next: 'kubectl -n {namespace} describe pod {name}; kubectl -n {namespace} logs {name} -c {container} --previous' },
  'pod.container-restarted': { status: 'info', weight: 1, template: '{role} pod {pod}: container {container} restarted {restarts} times, last terminated {reason} (exit {exitCode}) at {finishedAt}' },
  'pod.not-in-capture': { status: 'info', weight: 1, template: '{role} pod {pod} is not in the capture' },
  'pod.service-selects-none': { status: 'fault', weight: 2, template: 'Service {service} selects no pods (selector {selector})', next: 'kubectl -n {namespace} get pods -l {selector}; kubectl -n {namespace} get endpointslices -l kubernetes.io/service-name={name}' },
  'pod.none-ready': { status: 'fault', weight: 2, template: 'Service {service}: 0 of {total} selected pods ready', next: 'kubectl -n {namespace} get pods -l {selector}' },
  'pod.service-not-found': { status: 'info', weight: 1, template: 'no Service or Pod named {host} in the capture' },
  'pod.app-listening': { status: 'ok', weight: 1, template: '{pod}: the app listens on {address}:{port} ({file})' },
  'pod.app-localhost-only': { status: 'fault', weight: 3, template: '{pod}: the app listens on {address}:{port} only, so the sidecar cannot reach it on the pod IP (Istio 1.10+ forwards inbound traffic to the pod IP)', next: 'bind the app to 0.0.0.0 (or ::); see istio-ts analyze IST0143 LocalhostListener' },
  'pod.app-not-listening': { status: 'fault', weight: 3, template: '{pod}: nothing listens on port {port} in the pod (read {file})', next: 'kubectl -n {namespace} logs {name} -c {container}; check the app\'s listen port against the Service targetPort {port}' },

  // injection
  'injection.present': { status: 'ok', weight: 1, template: '{role} pod {pod}: istio-proxy sidecar present ({image})' },
  'injection.missing': { status: 'fault', weight: 3, template: '{role} pod {pod} has no istio-proxy sidecar{reason}', next: 'istio-ts analyze -k -n {namespace}; kubectl label namespace {namespace} istio-injection=enabled && kubectl -n {namespace} rollout restart deploy' },

  // sync
  'sync.synced': { status: 'ok', weight: 1, template: 'istiod: {proxy} SYNCED ({types} acked)' },
  'sync.nack': { status: 'fault', weight: 3, template: 'istiod: {proxy} rejected (NACK) the last {type} push: {error}', next: 'istio-ts proxy-status {proxy}; kubectl -n {namespace} logs {name} -c istio-proxy | grep -i rejected' },
  'sync.stale': { status: 'fault', weight: 1, template: 'istiod: {proxy} STALE for {types} (sent nonce not acked); normal during a push, a problem if it persists', next: 'istioctl proxy-status {proxy} -v 1 (again in a minute); check NetworkPolicies for port 15012' },
  'sync.not-connected-proxy-down': { status: 'info', weight: 1, template: 'istiod: {proxy} is not in /debug/syncz, and its Envoy admin API did not answer either (the sidecar is down, not istiod)' },
  'sync.not-connected': { status: 'fault', weight: 2, template: 'istiod: {proxy} is not in /debug/syncz (not connected to this istiod)', next: 'kubectl -n {namespace} logs {name} -c istio-proxy | grep -i xds' },
  'sync.no-syncz': { status: 'info', weight: 1, template: 'no istiod /debug/syncz in the capture' },

  // config-path (listener → route → cluster → endpoints, Consul-style)
  'path.listener': { status: 'ok', weight: 1, template: '{proxy}: listener {listener} accepts port {port}' },
  'path.listener-missing': { status: 'fault', weight: 2, template: '{proxy}: no listener for port {port}', next: 'istio-ts proxy-config listener {proxy} --port {port}' },
  'path.route': { status: 'ok', weight: 1, template: '{proxy}: route {route} virtual host {vhost} matches {host}{path} → {cluster}' },
  'path.route-missing': { status: 'fault', weight: 2, template: '{proxy}: route {route} has no route for {host}{path}', next: 'istio-ts proxy-config route {proxy} --name {route} -o json' },
  'path.tcp': { status: 'ok', weight: 1, template: '{proxy}: listener {listener} proxies TCP to {cluster}' },
  'path.cluster': { status: 'ok', weight: 1, template: '{proxy}: cluster {cluster} present ({type})' },
  'path.cluster-missing': { status: 'fault', weight: 2, template: '{proxy}: the route sends to cluster {cluster}, which the proxy does not have', next: 'istio-ts proxy-config cluster {proxy} --fqdn {host}' },
  'path.endpoints': { status: 'ok', weight: 1, template: '{proxy}: {healthy} of {total} endpoints of {cluster} healthy ({addresses})' },
  'path.endpoints-subset-empty': { status: 'fault', weight: 2, template: '{proxy}: cluster {cluster} has no endpoints: subset {subset} of DestinationRule {dr} selects no ready pod', next: 'istio-ts proxy-config endpoint {proxy} --cluster "{cluster}"; kubectl -n {namespace} get pods --show-labels' },
  'path.endpoints-no-pods': { status: 'fault', weight: 1, template: '{proxy}: cluster {cluster} has 0 healthy endpoints ({total} known)', next: 'istio-ts proxy-config endpoint {proxy} --cluster "{cluster}"' },
  'path.endpoints-not-pushed': { status: 'fault', weight: 2, template: '{proxy}: cluster {cluster} has no endpoints although {ready} selected pods are ready (istiod has not pushed them)', next: 'istioctl proxy-status {proxy} -v 1; istioctl x internal-debug endpointShardz' },
  'path.no-dump': { status: 'info', weight: 1, template: '{proxy}: no config_dump in the capture' },

  // clusters (/clusters?format=json per-host counters, never trimmed by Istio)
  'clusters.hosts-ok': { status: 'ok', weight: 1, template: '{proxy}: {cluster}: {hosts} host(s), cx_connect_fail 0 of cx_total {cxTotal}, rq_success {rqSuccess}' },
  'clusters.connect-fail': { status: 'fault', weight: 2, template: '{proxy}: {cluster}: host {host} cx_connect_fail {fail} of cx_total {cxTotal}', next: 'kubectl get networkpolicy -A; kubectl -n {namespace} get pod -o wide (is {host} the pod IP?)' },
  'clusters.outlier-ejected': { status: 'fault', weight: 1, template: '{proxy}: {cluster}: host {host} ejected by outlier detection (rq_error {rqError})' },
  'clusters.no-hosts': { status: 'fault', weight: 1, template: '{proxy}: {cluster} has no hosts in /clusters' },

  // stats
  'stats.overflow': { status: 'fault', weight: 2, template: '{proxy}: {stat} = {value} (circuit breaker tripped)', next: 'kubectl -n {namespace} get destinationrule -o yaml (trafficPolicy.connectionPool)' },
  'stats.update-rejected': { status: 'fault', weight: 2, template: '{proxy}: {stat} = {value} (Envoy rejected config from istiod)', next: 'kubectl -n {namespace} logs {name} -c istio-proxy | grep -i rejected' },
  'stats.no-update-rejected': { status: 'ok', weight: 1, template: '{proxy}: 0 config updates rejected ({stats})' },
  'stats.inbound-tls-fail': { status: 'fault', weight: 1, template: '{proxy}: {stat} = {value} (connections the inbound listener could not match or handshake)' },
  'stats.destroy-remote': { status: 'fault', weight: 1, template: '{proxy}: {stat} = {value} (the upstream closed connections with requests in flight)' },
  'stats.trimmed': { status: 'info', weight: 1, template: '{proxy}: per-cluster stats trimmed by Istio\'s default stats matcher; per-host /clusters counters used instead' },

  // access logs
  'log.ok': { status: 'ok', weight: 2, template: '{reporter}: {count} of {total} requests answered {codes} ({detail})' },
  'log.app-error': { status: 'fault', weight: 3, template: 'the app answered {code} to {count} of {total} requests: via_upstream on the server sidecar{match}', next: 'kubectl -n {namespace} logs {name} -c {container} --since {since}' },
  'log.app-refused': { status: 'fault', weight: 3, template: 'server sidecar could not connect to the app at {host}: {code} {flags} {details} "{reason}" ({count} lines)', next: 'kubectl -n {namespace} exec {name} -c istio-proxy -- ss -ltn (is the app listening on {port}, on 0.0.0.0?)' },
  'log.app-closed': { status: 'fault', weight: 2, template: 'the app closed a kept-alive connection under a request: server sidecar {code} {flags} {details} ({count} lines); a keep-alive race (app idle timeout shorter than the sidecar\'s)', next: 'set DestinationRule trafficPolicy.connectionPool.http.idleTimeout below the app\'s keep-alive timeout, or maxRequestsPerConnection' },
  'log.rbac-denied': { status: 'fault', weight: 3, template: 'server sidecar denied the request: 403 {details} ({count} lines)', next: 'istioctl x authz check {name}.{namespace}; kubectl -n {namespace} get authorizationpolicy -o yaml' },
  'log.no-route': { status: 'fault', weight: 3, template: '{reporter} answered {code} NR {details}: no route for {authority}{path} ({count} lines)', next: 'istio-ts proxy-config route {proxy} -o json; istio-ts analyze -k -n {namespace}' },
  'log.no-cluster': { status: 'fault', weight: 3, template: '{reporter} answered {code} NC {details}: the route points at cluster {cluster}, which does not exist ({count} lines)', next: 'istio-ts proxy-config cluster {proxy} --fqdn {host}; check the VirtualService subsets against the DestinationRule' },
  'log.no-healthy': { status: 'fault', weight: 1, template: '{reporter} answered {code} UH: no healthy upstream in {cluster} ({count} lines)', next: 'istio-ts proxy-config endpoint {proxy} --cluster "{cluster}"' },
  'log.overflow': { status: 'fault', weight: 3, template: '{reporter} answered {code} UO {details}: circuit breaker of {cluster} open; the request never left the proxy ({count} lines)', next: 'kubectl -n {namespace} get destinationrule -o yaml (trafficPolicy.connectionPool); istio-ts proxy-stats {proxy} --summary' },
  'log.timeout-slow-app': { status: 'fault', weight: 2, template: '{reporter} answered {code} UT after {duration} ms (the route timeout); the server sidecar had forwarded the request and the app had not answered after {serverDuration} ms ({serverCode} {serverFlags}) ({count} lines)', next: 'kubectl -n {namespace} logs {name} -c {container} (why is the app slow?), or raise the VirtualService http[].timeout' },
  'log.timeout': { status: 'fault', weight: 1, template: '{reporter} answered {code} UT after {duration} ms (route timeout), no server line to compare ({count} lines)', next: 'istio-ts proxy-config route {proxy} -o json (timeout)' },
  'log.connect-fail': { status: 'fault', weight: 2, template: '{reporter} could not connect to {upstream}: {code} {flags} {details} "{reason}", and no server sidecar line matches ({count} lines)', next: 'kubectl get networkpolicy -A; kubectl -n {namespace} get pod -o wide; istio-ts proxy-stats {proxy} --summary' },
  'log.reset': { status: 'fault', weight: 1, template: '{reporter}: {code} {flags} {details} from {upstream}, and no server sidecar line matches ({count} lines)', next: 'compare the server sidecar\'s inbound stats; check mTLS modes (PeerAuthentication vs DestinationRule)' },
  'log.downstream-gone': { status: 'fault', weight: 1, template: '{reporter}: the caller closed the connection before the response (DC, {count} lines)', next: 'compare the client app\'s timeout with the upstream latency' },
  'log.other': { status: 'fault', weight: 1, template: '{reporter} answered {code} {flags} {details} ({count} lines)' },
  'log.passed': { status: 'ok', weight: 1, template: '{reporter} passed the failed requests on: {detail}' },
  'log.no-lines': { status: 'info', weight: 1, template: '{reporter}: no access-log lines for {host} in {file}{window}' },
  'log.server-unseen': { status: 'info', weight: 1, template: 'server sidecars logged no inbound line for the failed requests' },

  // certificates
  'cert.valid': { status: 'ok', weight: 1, template: '{proxy}: {secret} certificate valid until {notAfter}' },
  'cert.expired': { status: 'fault', weight: 3, template: '{proxy}: {secret} certificate not valid at capture time (valid {notBefore} to {notAfter})', next: 'istio-ts proxy-config secret {proxy}; kubectl -n {namespace} rollout restart (the agent re-requests its certificate)' },
  'cert.not-ready': { status: 'fault', weight: 2, template: '{proxy}: secret {secret} is {status}', next: 'istio-ts proxy-config secret {proxy}; kubectl -n {namespace} logs {name} -c istio-proxy | grep -i sds' },
  'cert.missing': { status: 'fault', weight: 2, template: '{proxy}: no workload certificate (secret "default") in the config dump', next: 'istio-ts proxy-config secret {proxy}; kubectl -n {namespace} logs {name} -c istio-proxy | grep -i -e sds -e cert' },

  // mTLS
  'mtls.consistent': { status: 'ok', weight: 1, template: 'mTLS: server mode {mode} ({pa}); client sends {client} ({dr})' },
  'mtls.conflict': { status: 'fault', weight: 2, template: 'mTLS conflict: the server requires mTLS ({pa}) but the client sends plaintext ({dr})', next: 'remove tls.mode DISABLE from the DestinationRule, or set it to ISTIO_MUTUAL' },
  'mtls.no-sidecar-strict': { status: 'fault', weight: 2, template: 'mTLS: the server requires mTLS ({pa}) and the client has no sidecar, so it sends plaintext', next: 'inject the client (namespace label istio-injection=enabled, then restart it), or set the server\'s PeerAuthentication to PERMISSIVE while migrating' },

  // analyzers
  'analyzer.finding': { status: 'fault', weight: 2, template: '{code} {level}: {message} ({origin})', next: 'istio-ts analyze -k -n {namespace} (live), or istio-ts analyze CAPTURE_DIR/cluster/ (offline)' },
  'analyzer.minor': { status: 'info', weight: 1, template: '{code} {level}: {message} ({origin})' },
  'analyzer.clean': { status: 'info', weight: 1, template: 'analyzers: no finding on the {count} involved resources' },

  // proxy-admin
  'proxy.admin-unreachable': { status: 'fault', weight: 2, template: '{proxy}: the Envoy admin API did not answer ({error}): the sidecar is not running or is hung', next: 'kubectl -n {namespace} describe pod {name}; kubectl -n {namespace} logs {name} -c istio-proxy --previous' },
  'proxy.not-collected': { status: 'info', weight: 1, template: '{proxy}: {file} not collected: {error}' },

  // probe failures
  'probe.failed': { status: 'info', weight: 1, template: 'probe {probe} failed: {error}' },
  'capture.unreadable': { status: 'info', weight: 1, template: '{file} could not be read: {error}' },
} as const satisfies Record<string, EvidenceType>;

export type EvidenceId = keyof typeof EVIDENCE;
export type EvidenceArgs = Record<string, string | number>;

export function format(template: string, args: EvidenceArgs): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k]) : m));
}

/** Builds the Evidence value a probe reports. */
export function evidence(probe: string, id: EvidenceId, segment: SegmentName, args: EvidenceArgs, source: string): Evidence {
  const t: EvidenceType = EVIDENCE[id];
  return {
    id,
    probe,
    segment,
    status: t.status,
    weight: t.weight,
    summary: format(t.template, args),
    source,
    ...(t.next ? { nextStep: format(t.next, args) } : {}),
  };
}
