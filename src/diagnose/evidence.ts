/**
 * The evidence catalog: every finding a probe can report, by id. Probes report an id and its
 * arguments (like analyzers report catalog messages); the summary and the next command are
 * formatted here, in one place, so wording stays consistent and a meta-test can check that every
 * id a probe declares exists. Placeholders are {name}; a missing argument is left visible.
 */
import type { Evidence, SegmentName } from './model.js';

export interface EvidenceType {
  readonly status: 'ok' | 'fault' | 'info';
  readonly weight: Evidence['weight'];
  readonly template: string;
  readonly next?: string;
  /**
   * For a symptom: the segments whose fault can produce it, besides the one it is reported on
   * ("self"). A UH at the client sidecar can come from its own subset config, from istiod not
   * pushing endpoints, or from a server app with no ready pod; a cause on another segment is
   * corroborated by it only if listed here. Default: only its own segment.
   */
  readonly causes?: readonly CauseRef[];
  /**
   * Requests that passed in the access-log window refute it: a cumulative counter (it may count
   * something from before the window) or a Warning-level hint. State that is current (a sidecar
   * that does not answer now, a NACK istiod reports now) is not refuted by older requests.
   */
  readonly refutedByTraffic?: true;
}

/** A segment, or "self" for the segment the evidence is reported on (client sidecar or gateway). */
export type CauseRef = SegmentName | 'self';

export const EVIDENCE = {
  // pod-status
  'pod.container-ready': { status: 'ok', weight: 1, template: '{role} pod {pod}: container {container} ready, {restarts} restarts' },
  'pod.container-not-ready': { status: 'fault', weight: 2, template: '{role} pod {pod}: container {container} not ready ({state}), {restarts} restarts{last}', next: 'kubectl -n {namespace} describe pod {name}; kubectl -n {namespace} logs {name} -c {container} --previous' },
  'pod.container-restarted': { status: 'info', weight: 1, template: '{role} pod {pod}: container {container} restarted {restarts} times, last terminated {reason} (exit {exitCode}) at {finishedAt}' },
  'pod.not-in-capture': { status: 'info', weight: 1, template: '{role} pod {pod} is not in the capture' },
  'pod.service-selects-none': { status: 'fault', weight: 2, template: '{service} selects no pods (selector {selector})', next: 'kubectl -n {namespace} get pods -l {selector}; kubectl -n {namespace} get endpointslices -l kubernetes.io/service-name={name}' },
  'pod.none-ready': { status: 'fault', weight: 2, template: '{service}: 0 of {total} selected pods ready', next: 'kubectl -n {namespace} get pods -l {selector}' },
  'pod.service-not-found': { status: 'info', weight: 1, template: 'no Service, ServiceEntry or Pod named {host} in the capture' },
  'pod.external-endpoints': { status: 'info', weight: 1, template: 'ServiceEntry {serviceEntry} ({location}, resolution {resolution}) selects no pods: its endpoints are {endpoints}' },
  'pod.app-listening': { status: 'ok', weight: 1, template: '{pod}: the app listens on {address}:{port} ({file})' },
  'pod.app-localhost-only': { status: 'fault', weight: 3, template: '{pod}: the app listens on {address}:{port} only, so the sidecar cannot reach it on the pod IP (Istio 1.10+ forwards inbound traffic to the pod IP)', next: 'bind the app to 0.0.0.0 (or ::); see istio-ts analyze IST0143 LocalhostListener' },
  'pod.app-not-listening': { status: 'fault', weight: 3, template: '{pod}: nothing listens on port {port} in the pod (read {file})', next: 'kubectl -n {namespace} logs {name} -c {container}; check the app\'s listen port against the Service targetPort {port}' },

  // injection
  'injection.present': { status: 'ok', weight: 1, template: '{role} pod {pod}: istio-proxy sidecar present ({image})' },
  'injection.missing': { status: 'fault', weight: 3, template: '{role} pod {pod} has no istio-proxy sidecar{reason}', next: 'istio-ts analyze -k -n {namespace}; kubectl label namespace {namespace} istio-injection=enabled && kubectl -n {namespace} rollout restart deploy' },

  // sync
  'sync.synced': { status: 'ok', weight: 1, template: 'istiod: {proxy} SYNCED ({types} acked)' },
  'sync.nack': { status: 'fault', weight: 3, template: 'istiod: {proxy} rejected (NACK) the last {type} push: {error}', next: 'istio-ts proxy-status {proxy}; kubectl -n {namespace} logs {name} -c istio-proxy | grep -i rejected' },
  'sync.stale': { status: 'fault', weight: 1, template: 'istiod: {proxy} STALE for {types} (sent nonce not acked); normal during a push, a problem if it persists', next: 'istio-ts proxy-status {proxy} (again in a minute); check NetworkPolicies for port 15012' },
  'sync.not-connected-proxy-down': { status: 'info', weight: 1, template: 'istiod: {proxy} is not in /debug/syncz, and its Envoy admin API did not answer either (the sidecar is down, not istiod)' },
  'sync.not-connected': { status: 'fault', weight: 2, template: 'istiod: {proxy} is not in /debug/syncz (not connected to this istiod)', next: 'kubectl -n {namespace} logs {name} -c istio-proxy | grep -i xds' },
  'sync.no-syncz': { status: 'info', weight: 1, template: 'no istiod /debug/syncz in the capture' },

  // config-path (listener → route → cluster → endpoints, Consul-style)
  'path.listener': { status: 'ok', weight: 1, template: '{proxy}: listener {listener} accepts port {port}' },
  'path.listener-missing': { status: 'fault', weight: 2, template: '{proxy}: no outbound listener for port {port} ({where})', next: 'istio-ts proxy-config listener {proxy} --port {port}' },
  'path.route': { status: 'ok', weight: 1, template: '{proxy}: route {route} virtual host {vhost} matches {host}{path} → {cluster}' },
  'path.route-missing': { status: 'fault', weight: 2, template: '{proxy}: route {route} has no route for {host}{path}', next: 'istio-ts proxy-config route {proxy} --name {route} -o json' },
  'path.tcp': { status: 'ok', weight: 1, template: '{proxy}: listener {listener} proxies TCP to {cluster}' },
  'path.cluster': { status: 'ok', weight: 1, template: '{proxy}: cluster {cluster} present ({type})' },
  'path.cluster-missing': { status: 'fault', weight: 2, template: '{proxy}: the route sends to cluster {cluster}, which the proxy does not have', next: 'istio-ts proxy-config cluster {proxy} --fqdn {host}' },
  'path.endpoints': { status: 'ok', weight: 1, template: '{proxy}: {healthy} of {total} endpoints of {cluster} healthy ({addresses})' },
  'path.endpoints-subset-empty': { status: 'fault', weight: 2, template: '{proxy}: cluster {cluster} has no endpoints: subset {subset} of DestinationRule {dr} selects no ready pod', next: 'istio-ts proxy-config endpoint {proxy} --cluster "{cluster}"; kubectl -n {namespace} get pods --show-labels' },
  'path.endpoints-no-pods': { status: 'fault', weight: 1, template: '{proxy}: cluster {cluster} has 0 healthy endpoints ({total} known)', next: 'istio-ts proxy-config endpoint {proxy} --cluster "{cluster}"', causes: ['self', 'server-app', 'control-plane'] },
  'path.endpoints-ejected': { status: 'fault', weight: 1, template: '{proxy}: cluster {cluster}: all {total} endpoints ejected by outlier detection ({addresses})', next: 'istio-ts proxy-config endpoint {proxy} --cluster "{cluster}"', causes: ['self', 'server-app'] },
  'path.endpoints-not-pushed': { status: 'fault', weight: 2, template: '{proxy}: cluster {cluster} has no endpoints although {ready} selected pods are ready (istiod has not pushed them)', next: 'istioctl proxy-status {proxy} -v 1; istioctl x internal-debug endpointShardz' },
  'path.no-dump': { status: 'info', weight: 1, template: '{proxy}: no config_dump in the capture' },

  // clusters (/clusters?format=json per-host counters, never trimmed by Istio)
  'clusters.hosts-ok': { status: 'ok', weight: 1, template: '{proxy}: {cluster}: {hosts} host(s), cx_connect_fail 0 of cx_total {cxTotal}, rq_success {rqSuccess}' },
  'clusters.connect-fail': { status: 'fault', weight: 2, template: '{proxy}: {cluster}: host {host} cx_connect_fail {fail} of cx_total {cxTotal}{age}', next: 'kubectl -n {namespace} get pod -o wide (is {host} a pod IP?); kubectl get networkpolicy -A', causes: ['self', 'server-sidecar'], refutedByTraffic: true },
  'clusters.app-connect-fail': { status: 'fault', weight: 2, template: '{proxy}: {cluster}: the sidecar could not connect to the app at {host}: cx_connect_fail {fail} of cx_total {cxTotal}{age}', next: 'kubectl -n {namespace} logs {name} -c {container} (is the app running and listening on {host}?)', refutedByTraffic: true },
  'clusters.outlier-ejected': { status: 'fault', weight: 2, template: '{proxy}: {cluster}: host {host} ejected by outlier detection after the app\'s errors (rq_error {rqError}){age}', next: 'kubectl -n {namespace} logs {name} -c {container} (why did the app fail?); kubectl -n {namespace} get destinationrule -o yaml (trafficPolicy.outlierDetection)', refutedByTraffic: true },
  'clusters.no-hosts': { status: 'fault', weight: 1, template: '{proxy}: {cluster} has no hosts in /clusters', causes: ['self', 'control-plane', 'server-app'] },

  // stats
  'stats.overflow': { status: 'fault', weight: 2, template: '{proxy}: {stat} = {value} (circuit breaker tripped){age}', next: 'kubectl -n {namespace} get destinationrule -o yaml (trafficPolicy.connectionPool)', refutedByTraffic: true },
  'stats.update-rejected': { status: 'fault', weight: 2, template: '{proxy}: {stat} = {value} (Envoy rejected config from istiod; istiod reports the {type} NACK as current)', next: 'kubectl -n {namespace} logs {name} -c istio-proxy | grep -i rejected' },
  'stats.update-rejected-age-unknown': { status: 'fault', weight: 1, template: '{proxy}: {stat} = {value}: Envoy rejected config from istiod at some time since it started{uptime}; without istiod\'s sync state it is not known whether the current config is accepted', next: 'istio-ts proxy-status {proxy}; kubectl -n {namespace} logs {name} -c istio-proxy | grep -i rejected', refutedByTraffic: true },
  'stats.update-rejected-history': { status: 'info', weight: 1, template: '{proxy}: {stat} = {value} is history: Envoy rejected a {type} push since it started{uptime}, and istiod reports the current {type} config acked' },
  'stats.no-update-rejected': { status: 'ok', weight: 1, template: '{proxy}: 0 config updates rejected ({count} xDS subscriptions: {stats})' },
  'stats.inbound-tls-fail': { status: 'fault', weight: 1, template: '{proxy}: {stat} = {value} (connections the inbound listener could not match or handshake){age}', causes: ['self', 'client-sidecar', 'gateway'], refutedByTraffic: true },
  'stats.destroy-remote': { status: 'fault', weight: 1, template: '{proxy}: {stat} = {value} (the app closed connections with requests in flight){age}', refutedByTraffic: true },
  'stats.trimmed': { status: 'info', weight: 1, template: '{proxy}: per-cluster stats trimmed by Istio\'s default stats matcher; per-host /clusters counters used instead' },

  // access logs
  'log.ok': { status: 'ok', weight: 2, template: '{reporter}: {count} of {total} requests answered {codes} ({detail})' },
  'log.app-error': { status: 'fault', weight: 3, template: 'the app answered {code} to {count} of {total} requests: via_upstream on the server sidecar{match}', next: 'kubectl -n {namespace} logs {name} -c {container} --since {since}' },
  'log.app-refused': { status: 'fault', weight: 3, template: 'the app refused the connection: the server sidecar could not connect to it at {host}: {code} {flags} "{reason}" ({count} of {total} requests)', next: 'kubectl -n {namespace} get pod {name}; kubectl -n {namespace} logs {name} -c {container} --previous (is the app process running?); kubectl -n {namespace} exec {name} -c istio-proxy -- ss -ltn (is it listening on {port}, on 0.0.0.0?)' },
  'log.app-closed': { status: 'fault', weight: 3, template: 'the app closed the connection under the request, before answering: server sidecar {code} {flags} {details}; {clientSide} ({count} of {total} requests)', next: 'kubectl -n {namespace} logs {name} -c {container} --since {since} (did the app crash, or reset the connection?)' },
  'log.app-closed-idle': { status: 'info', weight: 1, template: 'the failed requests ({count} of {total}) each ended within {duration} ms of reaching the app: if they follow idle periods, the app\'s keep-alive timeout may be shorter than the sidecar\'s (set DestinationRule trafficPolicy.connectionPool.http.idleTimeout below it)' },
  'log.rbac-denied': { status: 'fault', weight: 3, template: 'server sidecar denied the request: 403 {details} ({count} lines)', next: 'istioctl x authz check {name}.{namespace}; kubectl -n {namespace} get authorizationpolicy -o yaml' },
  'log.no-route': { status: 'fault', weight: 3, template: '{reporter} answered {code} NR {details}: no route for {authority}{path} ({count} lines)', next: 'istio-ts proxy-config route {proxy} -o json; istio-ts analyze -k -n {namespace}', causes: ['self', 'control-plane'] },
  'log.no-cluster': { status: 'fault', weight: 3, template: '{reporter} answered {code} NC {details}: the route points at cluster {cluster}, which does not exist ({count} lines)', next: 'istio-ts proxy-config cluster {proxy} --fqdn {host}; check the VirtualService subsets against the DestinationRule', causes: ['self', 'control-plane'] },
  'log.no-healthy': { status: 'fault', weight: 1, template: '{reporter} answered {code} UH: no healthy upstream in {cluster} ({count} lines)', next: 'istio-ts proxy-config endpoint {proxy} --cluster "{cluster}"', causes: ['self', 'control-plane', 'server-app', 'server-sidecar'] },
  'log.overflow': { status: 'fault', weight: 3, template: '{reporter} answered {code} UO {details}: circuit breaker of {cluster} open; the request never left the proxy ({count} lines)', next: 'kubectl -n {namespace} get destinationrule -o yaml (trafficPolicy.connectionPool); istio-ts proxy-stats {proxy} --summary' },
  'log.timeout-slow-app': { status: 'fault', weight: 3, template: 'the app is slower than the route timeout: {reporter} answered {code} UT after {duration} ms; the server sidecar had passed the request to the app at {upstream}, which had not answered when the client side gave up ({serverCode} {serverFlags} {serverDetails} after {serverDuration} ms; {count} lines)', next: 'kubectl -n {namespace} logs {name} -c {container} --since {since} (why is the app slow?); istio-ts proxy-config route {proxy} -o json (the route timeout, if the app is allowed to take longer)' },
  'log.timeout': { status: 'fault', weight: 1, template: '{reporter} answered {code} UT after {duration} ms (route timeout), no server line to compare ({count} lines)', next: 'istio-ts proxy-config route {proxy} -o json (timeout)', causes: ['self', 'server-sidecar', 'network'] },
  'log.connect-refused': { status: 'fault', weight: 2, template: 'nothing accepted the connection at the server pod: {reporter} got "connection refused" from {upstream} ({code} {flags}), and the server sidecar logged nothing: its Envoy is not running or not listening on that port ({count} lines)', next: 'kubectl -n {namespace} get pod {name} -o wide; kubectl -n {namespace} logs {name} -c istio-proxy --previous; istio-ts proxy-config listener {name}.{namespace} --port {port}', causes: ['self', 'control-plane'] },
  'log.connect-fail': { status: 'fault', weight: 2, template: '{reporter} could not connect to {upstream}: {code} {flags} {details} "{reason}", and no server sidecar line matches ({count} lines)', next: 'kubectl get networkpolicy -A; kubectl -n {namespace} get pod -o wide; istio-ts proxy-stats {proxy} --summary', causes: ['self', 'server-sidecar'] },
  'log.reset': { status: 'fault', weight: 1, template: '{reporter}: {code} {flags} {details} from {upstream}, and no server sidecar line matches ({count} lines)', next: 'compare the server sidecar\'s inbound stats; check mTLS modes (PeerAuthentication vs DestinationRule)', causes: ['self', 'client-sidecar', 'gateway', 'server-sidecar'] },
  'log.no-filter-chain': { status: 'fault', weight: 1, template: 'the server sidecar {proxy} closed the connection: no filter chain of its inbound listener matched ({code} {flags} {details}, e.g. plaintext to a port that requires mTLS); {reporter} saw {clientCode} {clientFlags} ({count} lines)', next: 'istio-ts proxy-config listener {proxy} --port {port} -o json (filter_chain_match); kubectl -n {namespace} get peerauthentication,destinationrule -o yaml', causes: ['self', 'client-sidecar', 'gateway'] },
  'log.downstream-gone': { status: 'fault', weight: 1, template: '{reporter}: the caller closed the connection before the response (DC, {count} lines)', next: 'compare the client app\'s timeout with the upstream latency', causes: ['self', 'server-app', 'server-sidecar', 'network'] },
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
  'analyzer.warning': { status: 'fault', weight: 1, template: '{code} {level}: {message} ({origin})', next: 'istio-ts analyze -k -n {namespace} (live), or istio-ts analyze CAPTURE_DIR/cluster/ (offline)', refutedByTraffic: true },
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

/**
 * A list for one line: all items when there are few, else the first few and how many more
 * ("a, b, c and 11 more"), so an evidence line stays readable.
 */
export function summarizeList(items: readonly string[], shown = 3): string {
  if (items.length <= shown + 1) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

export function format(template: string, args: EvidenceArgs): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k]) : m));
}

/** Builds the Evidence value a probe reports. */
export function evidence(probe: string, id: EvidenceId, segment: SegmentName, args: EvidenceArgs, source: string): Evidence {
  const t: EvidenceType = EVIDENCE[id];
  const causes = [...new Set([segment, ...(t.causes ?? []).map((c) => (c === 'self' ? segment : c))])];
  return {
    id,
    probe,
    segment,
    status: t.status,
    weight: t.weight,
    causes,
    summary: format(t.template, args),
    source,
    ...(t.next ? { nextStep: format(t.next, args) } : {}),
  };
}
