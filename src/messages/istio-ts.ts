import type { MessageType } from './types.js';

/**
 * Findings new to istio-ts. They live in their own block (ITS0001…) so that they never collide
 * with upstream IST codes, present or retired. Each has a page in docs/messages/<code>.md.
 */
export const istioTsMessages = [
  {
    code: 'ITS0001',
    name: 'FileParseError',
    level: 'Error',
    description: 'A document could not be parsed as YAML or JSON; it was not analyzed.',
    template: 'Could not parse document: %s',
    args: [{ name: 'detail', type: 'string' }],
  },
  {
    code: 'ITS0002',
    name: 'InvalidResource',
    level: 'Error',
    description:
      'A document parsed but is not a Kubernetes object (missing apiVersion, kind or metadata.name, or not a mapping); it was not analyzed.',
    template: 'Not a valid Kubernetes object: %s',
    args: [{ name: 'detail', type: 'string' }],
  },
  {
    code: 'ITS0003',
    name: 'AnalyzerFailed',
    level: 'Error',
    description:
      'An analyzer failed while analyzing the input (it threw, or emitted an undeclared message or one with the wrong arguments). The other analyzers still ran. This is a bug in istio-ts.',
    template: 'Analyzer %s failed: %s',
    args: [{ name: 'analyzer', type: 'string' }, { name: 'detail', type: 'string' }],
  },
  {
    code: 'ITS0004',
    name: 'UnsupportedApiVersion',
    level: 'Warning',
    description:
      'The resource uses an API version of an Istio kind that the Istio CRDs do not serve; the API server would reject it.',
    template: 'API version %s is not served for %s (served: %s)',
    args: [{ name: 'apiVersion', type: 'string' }, { name: 'kind', type: 'string' }, { name: 'served', type: 'string' }],
  },
  {
    code: 'ITS0005',
    name: 'DestinationRuleTlsConflictsWithStrictMtls',
    level: 'Error',
    description:
      'A DestinationRule sends plaintext (DISABLE) or one-way TLS (SIMPLE) to a workload whose effective PeerAuthentication is STRICT; every request fails with 503 (UC or UF).',
    template: 'tls.mode %s towards %q conflicts with STRICT mTLS on %s (%s): requests fail with 503',
    args: [{ name: 'mode', type: 'string' }, { name: 'host', type: 'string' }, { name: 'workload', type: 'string' }, { name: 'policy', type: 'string' }],
  },
  {
    code: 'ITS0006',
    name: 'StrictMtlsWithPlaintextClients',
    level: 'Warning',
    description:
      'A STRICT PeerAuthentication covers workloads whose namespace also runs pods without a sidecar; their plaintext requests are reset by the server sidecar.',
    template: 'STRICT mTLS here rejects plaintext, but namespace %s has pods without a sidecar (%s): their requests to workloads under this policy are reset',
    args: [{ name: 'namespace', type: 'string' }, { name: 'pods', type: 'string' }],
  },
  {
    code: 'ITS0007',
    name: 'RequestPrincipalsWithoutRequestAuthentication',
    level: 'Error',
    description:
      'An ALLOW AuthorizationPolicy matches on JWT principals or request.auth claims, but no RequestAuthentication applies to the workload, so no request ever carries a principal and every request is denied with 403.',
    template: 'rule %d matches %s, but no RequestAuthentication applies to %s: requests are denied with 403 (RBAC: access denied)',
    args: [{ name: 'rule', type: 'int' }, { name: 'field', type: 'string' }, { name: 'workload', type: 'string' }],
  },
  {
    code: 'ITS0008',
    name: 'HttpRuleOnTcpPort',
    level: 'Warning',
    description:
      'An AuthorizationPolicy rule uses HTTP-only fields on a workload that only serves TCP ports; Istio drops such a rule for TCP (ALLOW: it never matches; DENY: it matches every connection).',
    template: 'rule %d uses HTTP-only fields (%s), but %s serves only TCP ports (%s): %s',
    args: [{ name: 'rule', type: 'int' }, { name: 'fields', type: 'string' }, { name: 'workload', type: 'string' }, { name: 'ports', type: 'string' }, { name: 'effect', type: 'string' }],
  },
  {
    code: 'ITS0009',
    name: 'OutlierDetectionEjectsAllHosts',
    level: 'Warning',
    description:
      'Outlier detection ejects a host after one or two errors and may eject every host (maxEjectionPercent 100): a short burst of errors leaves the service with no endpoint (503 UH).',
    template: 'outlierDetection ejects a host after %d consecutive %s and up to %d%% of hosts: a burst of errors leaves no healthy host (503 UH)',
    args: [{ name: 'errors', type: 'int' }, { name: 'kind', type: 'string' }, { name: 'percent', type: 'int' }],
  },
  {
    code: 'ITS0010',
    name: 'RetriesExceedRouteTimeout',
    level: 'Warning',
    description:
      "A route's retries (attempts × perTryTimeout, plus the first try) need more time than the route timeout allows; the route times out (504 UT) before the retries run.",
    template: 'route %s: %d tries of %s need %s, but the route timeout is %s: the last retries never run and clients get 504 UT',
    args: [{ name: 'route', type: 'string' }, { name: 'tries', type: 'int' }, { name: 'perTryTimeout', type: 'string' }, { name: 'total', type: 'string' }, { name: 'timeout', type: 'string' }],
  },
  {
    code: 'ITS0011',
    name: 'RetryOnNonIdempotentMethod',
    level: 'Warning',
    description:
      'A route that matches non-idempotent methods (POST, PATCH) retries on errors the upstream may return after it processed the request; a retried request can be applied twice.',
    template: 'route %s matches %s and retries on %q: a request the upstream already processed can be applied twice',
    args: [{ name: 'route', type: 'string' }, { name: 'methods', type: 'string' }, { name: 'retryOn', type: 'string' }],
  },
  {
    code: 'ITS0012',
    name: 'SubsetTrafficPolicyNotActivated',
    level: 'Warning',
    description:
      'A DestinationRule subset sets a trafficPolicy, but no VirtualService routes to that subset, so Envoy never uses the subset cluster and the policy never applies.',
    template: 'subset %q sets a trafficPolicy, but no VirtualService routes to it (host %s): the policy never applies',
    args: [{ name: 'subset', type: 'string' }, { name: 'host', type: 'string' }],
  },
  {
    code: 'ITS0013',
    name: 'FaultInjectionWithRetries',
    level: 'Warning',
    description:
      'A route injects faults and also sets retries; the fault filter answers before the router, so injected failures are never retried.',
    template: 'route %s injects faults and sets retries: injected failures reach the client without retry',
    args: [{ name: 'route', type: 'string' }],
  },
  {
    code: 'ITS0014',
    name: 'GatewayRoutesShadowed',
    level: 'Warning',
    description:
      'Two VirtualServices bound to the same gateway for the same host have overlapping matches; istiod merges them in creation order, so which route wins depends on which resource was created first.',
    template: 'route %s overlaps route %s of VirtualService %s on gateway %s for host %q: the older VirtualService wins and the other route never matches',
    args: [{ name: 'route', type: 'string' }, { name: 'otherRoute', type: 'string' }, { name: 'other', type: 'string' }, { name: 'gateway', type: 'string' }, { name: 'host', type: 'string' }],
  },
  {
    code: 'ITS0015',
    name: 'ServicePortWithoutContainerPort',
    level: 'Warning',
    description:
      "A Service's targetPort matches no container port of the workloads it selects; connections to it are refused (503 UF) unless the application listens there anyway.",
    template: 'port %s targets %s, which no container of %s declares (container ports: %s)',
    args: [{ name: 'port', type: 'string' }, { name: 'targetPort', type: 'string' }, { name: 'workload', type: 'string' }, { name: 'containerPorts', type: 'string' }],
  },
  {
    code: 'ITS0016',
    name: 'HeadlessServiceHttpPort',
    level: 'Info',
    description:
      "A headless Service declares an HTTP port; clients that call a pod IP directly reach the server sidecar through the PassthroughCluster and get 503 UC (use the pod's DNS name or a tcp- port).",
    template: 'headless Service port %s is %s: calls to a pod IP fail with 503 UC; call <pod>.%s or name the port tcp-%s',
    args: [{ name: 'port', type: 'string' }, { name: 'protocol', type: 'string' }, { name: 'service', type: 'string' }, { name: 'portName', type: 'string' }],
  },
  {
    code: 'ITS0017',
    name: 'RemovedApiVersion',
    level: 'Error',
    description:
      'A workload or policy uses an API version Kubernetes no longer serves; the API server rejects it, so it is never created or injected.',
    template: '%s %s is not served since Kubernetes %s: use %s',
    args: [{ name: 'apiVersion', type: 'string' }, { name: 'kind', type: 'string' }, { name: 'removedIn', type: 'string' }, { name: 'replacement', type: 'string' }],
  },
  {
    code: 'ITS0018',
    name: 'WorkloadWithoutSelector',
    level: 'Error',
    description: 'An apps/v1 workload has no spec.selector; the API server rejects it, so no pod is created.',
    template: '%s has no spec.selector: apps/v1 requires one (pod template labels: %s), so the API server rejects it',
    args: [{ name: 'kind', type: 'string' }, { name: 'labels', type: 'string' }],
  },
  {
    code: 'ITS0019',
    name: 'SuspiciousResourceQuantity',
    level: 'Warning',
    description:
      'A container resource or sidecar resource annotation has a quantity whose unit is almost certainly wrong (memory "200" is 200 bytes; cpu "500" is 500 cores).',
    template: '%s %s is %q = %s: did you mean %q?',
    args: [{ name: 'where', type: 'string' }, { name: 'resource', type: 'string' }, { name: 'value', type: 'string' }, { name: 'meaning', type: 'string' }, { name: 'suggestion', type: 'string' }],
  },
  {
    code: 'ITS0020',
    name: 'WorkloadSelectorMismatch',
    level: 'Error',
    description: "A workload's selector does not match its own pod template labels; the API server rejects it, so no pod is created.",
    template: 'spec.selector %s does not match the pod template labels %s: the API server rejects the %s',
    args: [{ name: 'selector', type: 'string' }, { name: 'labels', type: 'string' }, { name: 'kind', type: 'string' }],
  },
  {
    code: 'ITS0021',
    name: 'InputNotReadable',
    level: 'Error',
    description:
      'An input file or directory named on the command line does not exist or cannot be read; it was not analyzed (exit code 66 unless a finding or parse error outranks it).',
    template: 'Could not read input: %s',
    args: [{ name: 'detail', type: 'string' }],
  },
  {
    code: 'ITS0022',
    name: 'PerTryTimeoutNotRetried',
    level: 'Warning',
    description:
      "A route sets retries.perTryTimeout, but its retryOn (Istio's default when unset) has none of 5xx, gateway-error or reset, the only conditions under which Envoy retries a try that timed out; a slow try ends the request with 504 UT upstream_per_try_timeout and is never retried.",
    template: 'route %s: a try slower than perTryTimeout %s is not retried, retryOn %s has none of 5xx, gateway-error, reset: the request ends with 504 UT upstream_per_try_timeout',
    args: [{ name: 'route', type: 'string' }, { name: 'perTryTimeout', type: 'string' }, { name: 'retryOn', type: 'string' }],
  },
] as const satisfies readonly MessageType[];
