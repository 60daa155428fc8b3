/**
 * Listening sockets from /proc/net/tcp and /proc/net/tcp6 of a pod's network namespace (the
 * istio-proxy container shares it with the app, so reading them there shows the app's sockets).
 * This is what `istioctl x precheck` learns from netstat to report IST0143 LocalhostListener:
 * since Istio 1.10 the sidecar forwards inbound traffic to the pod IP, so an app bound to
 * 127.0.0.1 or ::1 is unreachable through the mesh.
 */
export interface ListeningSocket {
  readonly address: string;
  readonly port: number;
}

function ipv4(hex: string): string {
  // Little-endian per 32-bit word: 0100007F is 127.0.0.1.
  const b = hex.match(/../g)!.map((x) => Number.parseInt(x, 16));
  return [b[3], b[2], b[1], b[0]].join('.');
}

function ipv6(hex: string): string {
  const words: string[] = [];
  for (let w = 0; w < 4; w++) {
    const chunk = hex.slice(w * 8, w * 8 + 8).match(/../g)!.reverse().join('');
    words.push(chunk.slice(0, 4), chunk.slice(4, 8));
  }
  const full = words.map((x) => Number.parseInt(x, 16).toString(16)).join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  if (full === '0:0:0:0:0:0:0:1') return '::1';
  if (full.startsWith('0:0:0:0:0:ffff:')) return `::ffff:${full.slice(15)}`;
  return full;
}

export function parseListeningSockets(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const raw of text.split('\n')) {
    const f = raw.trim().split(/\s+/);
    // "sl local_address rem_address st …"; state 0A is TCP_LISTEN.
    if (f.length < 4 || !/^\d+:$/.test(f[0]!) || f[3] !== '0A') continue;
    const [addr, port] = f[1]!.split(':');
    if (!addr || !port) continue;
    const address = addr.length === 8 ? ipv4(addr) : addr.length === 32 ? ipv6(addr) : '';
    if (!address) continue;
    out.push({ address, port: Number.parseInt(port, 16) });
  }
  return out;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
