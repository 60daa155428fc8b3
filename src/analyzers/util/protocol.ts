/** Istio's protocol names (pkg/config/protocol). */
export type Protocol =
  | 'GRPC'
  | 'GRPC-Web'
  | 'HTTP'
  | 'HTTP_PROXY'
  | 'HTTP2'
  | 'HTTPS'
  | 'TCP'
  | 'TLS'
  | 'UDP'
  | 'SCTP'
  | 'Mongo'
  | 'Redis'
  | 'MySQL'
  | 'UnsupportedProtocol';

const BY_NAME: Record<string, Protocol> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** upstream protocol.Parse: case-insensitive; anything else is unsupported. */
export function parseProtocol(s: string): Protocol {
  return BY_NAME[s.toLowerCase()] ?? 'UnsupportedProtocol';
}

/** SMTP, DNS, MySQL, MongoDB: ports where protocol sniffing would break the server-first protocol. */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

/**
 * upstream kube.ConvertProtocol: the protocol Istio assumes for a Kubernetes Service port.
 * UDP/SCTP come from `protocol`; otherwise appProtocol (with the kubernetes.io/h2c, ws, wss
 * standard names) or the port name up to its first "-" ("grpc-web" is matched whole first).
 * Unnamed ports on a few well-known server-first ports are TCP.
 */
export function serviceProtocol(port: number, name: string, k8sProtocol: string, appProtocol?: string): Protocol {
  if (k8sProtocol === 'UDP') return 'UDP';
  if (k8sProtocol === 'SCTP') return 'SCTP';
  let n = name;
  if (appProtocol !== undefined) {
    n = appProtocol;
    if (n === 'kubernetes.io/h2c') return 'HTTP2';
    if (n === 'kubernetes.io/ws') return 'HTTP';
    if (n === 'kubernetes.io/wss') return 'HTTPS';
  }
  if (n.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = n.indexOf('-');
  if (dash >= 0) n = n.slice(0, dash);
  const p = parseProtocol(n);
  if (p === 'UnsupportedProtocol' && WELL_KNOWN_TCP_PORTS.has(port)) return 'TCP';
  return p;
}
