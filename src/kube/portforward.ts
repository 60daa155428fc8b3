/**
 * Port-forward to a pod as kubectl does it: a WebSocket upgrade (GET, `v4.channel.k8s.io`)
 * first, and SPDY/3.1 (POST, `portforward.k8s.io`) when the server refuses it. The verb matters:
 * the API server authorizes GET as `get pods/portforward` (and, from Kubernetes 1.35, `create`
 * too), POST as `create` alone, so a Role granting only `create pods/portforward` (enough for
 * kubectl) works through the SPDY path. The first refusal is remembered for the session.
 *
 * Both protocols are small enough to speak directly on the upgraded socket:
 * - WebSocket channel protocol: each binary message starts with a channel byte (0 data, 1 error
 *   for the first port); the first message on each channel carries the port (2 bytes LE).
 * - SPDY: per local connection an error stream and a data stream (headers streamtype, port,
 *   requestid) in one upgraded connection. Header blocks are zlib streams; we send them as stored
 *   (uncompressed) deflate blocks, which every zlib reader accepts, so no shared dictionary is needed.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { settleOnce } from './once.js';
import { KubeError, kindForStatus, type PortForwardSession } from './types.js';

export interface PortForwardRequest {
  readonly server: string;
  readonly path: string;
  /** namespace/pod, for messages. */
  readonly target: string;
  readonly namespace: string;
  readonly port: number;
  readonly timeoutMs: number;
  /**
   * Credentials, and the API client's agent: the upgrade then goes out on one of its idle
   * keep-alive connections (no second TLS handshake after the pod lookup) and through the
   * kubeconfig's proxy-url like every other call. Without one, a connection of its own.
   */
  readonly auth: () => Promise<{ headers: Record<string, string>; tls: https.RequestOptions; agent?: http.Agent }>;
}

type Mode = 'websocket' | 'spdy';

/** The tunnel worked but the pod's port did not (connection refused inside the pod). */
export class PodPortError extends KubeError {
  readonly inPod = true;
  constructor(message: string) {
    super(message, undefined, 'unreachable', 'Is the process listening on that port in the pod?');
  }
}

export async function openPortForward(req: PortForwardRequest): Promise<PortForwardSession> {
  const sockets = new Set<net.Socket>();
  const closers = new Set<() => void>();
  let mode: Mode = 'websocket';
  let spdy: Promise<SpdyConnection> | undefined;
  let lastFailure: KubeError | undefined;
  let closed = false;
  let markEstablished: () => void = () => undefined;
  const established = new Promise<void>((resolve) => (markEstablished = resolve));

  const spdyConnection = (): Promise<SpdyConnection> => {
    if (!spdy) {
      const p = upgrade(req, 'spdy').then(({ socket, head }) => {
        // Idle between requests: it must not keep the process alive (forwarded sockets do).
        (socket as Duplex & { unref?: () => void }).unref?.();
        return new SpdyConnection(socket, head);
      });
      spdy = p;
      p.then((c) => {
        closers.add(() => c.close());
        c.onClosed(() => {
          if (spdy === p) spdy = undefined;
        });
      }).catch(() => {
        if (spdy === p) spdy = undefined;
      });
    }
    return spdy;
  };

  const forward = async (local: net.Socket): Promise<void> => {
    if (mode === 'websocket') {
      try {
        const { socket, head } = await upgrade(req, 'websocket');
        // The local connection keeps the process alive while in use; the tunnel alone must not.
        (socket as Duplex & { unref?: () => void }).unref?.();
        markEstablished();
        const close = pipeWebSocket(local, socket, head, req.port, (e) => (lastFailure = e));
        closers.add(close);
        local.on('close', () => closers.delete(close));
        return;
      } catch (e) {
        // kubectl falls back to SPDY when the WebSocket upgrade is refused; a network failure or
        // a timeout would fail the same way again.
        if (!(e instanceof KubeError) || e.status === undefined) throw e;
        mode = 'spdy';
      }
    }
    const conn = await spdyConnection();
    markEstablished();
    conn.forward(local, req.port, (e) => (lastFailure = e));
  };

  const server = net.createServer((local) => {
    sockets.add(local);
    // The client end of this connection holds the process while a request is in flight; an idle
    // keep-alive connection must not keep it alive after the command is done.
    local.unref();
    // Errors surface through the HTTP client and lastFailure; an unhandled 'error' would crash.
    local.on('error', () => undefined);
    local.on('close', () => sockets.delete(local));
    if (closed) return void local.destroy();
    forward(local).catch((e: unknown) => {
      lastFailure = e instanceof KubeError ? e : new KubeError(`port-forward to ${req.target}:${req.port}: ${(e as Error).message}`, undefined, 'unreachable');
      local.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // An idle forward never keeps the process alive; requests through it hold their own sockets.
  server.unref();
  const address = server.address();
  const localPort = typeof address === 'object' && address ? address.port : 0;
  return {
    localPort,
    lastError: () => lastFailure?.message,
    lastFailure: () => lastFailure,
    established: () => established,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const s of sockets) s.destroy();
        for (const c of closers) c();
        void spdy?.then((c) => c.close()).catch(() => undefined);
        server.close(() => resolve());
      }),
  };
}

/** The HTTP/1.1 upgrade; resolves with the raw socket once the server answers 101. */
async function upgrade(req: PortForwardRequest, mode: Mode): Promise<{ socket: Duplex; head: Buffer }> {
  const auth = await req.auth();
  const url = new URL(`${req.server}${req.path}?ports=${req.port}`);
  const what = `port-forward to ${req.target}:${req.port}`;
  const headers: Record<string, string> = {
    ...auth.headers,
    Connection: 'Upgrade',
    'User-Agent': 'istio-ts',
    ...(mode === 'websocket'
      ? { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' }
      : { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' }),
  };
  const mod = url.protocol === 'http:' ? http : https;
  const timedOut = () => new KubeError(`timed out after ${req.timeoutMs / 1000} s: ${what} (no answer from the API server at ${url.host})`, undefined, 'timeout', 'Check that the API server is up; raise --request-timeout for a slow server.');
  return settleOnce<{ socket: Duplex; head: Buffer }>(req.timeoutMs, timedOut, (settle) => {
    const r = mod.request(url, { method: mode === 'websocket' ? 'GET' : 'POST', headers, agent: auth.agent ?? false, ...(url.protocol === 'https:' ? auth.tls : {}) });
    r.on('upgrade', (_res, socket, head) => settle.resolve({ socket, head }));
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let msg = body.trim().slice(0, 300) || `HTTP ${res.statusCode}`;
        try {
          msg = (JSON.parse(body) as { message?: string }).message ?? msg;
        } catch {
          /* not a Status object */
        }
        const status = res.statusCode ?? 0;
        const kind = kindForStatus(status);
        const hint =
          kind === 'forbidden'
            ? `Port-forward needs create on pods/portforward: check with kubectl auth can-i create pods --subresource=portforward -n ${req.namespace}`
            : kind === 'notfound'
              ? `Check that the pod exists: kubectl get pod -n ${req.namespace}`
              : kind === 'unauthorized'
                ? 'The API server did not accept the credentials; check the kubeconfig user.'
                : undefined;
        settle.reject(new KubeError(`${what}: ${msg}`, status, kind, hint));
      });
    });
    r.on('error', (e: NodeJS.ErrnoException) =>
      settle.reject(new KubeError(`${what}: cannot reach the API server at ${url.host}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`, undefined, 'unreachable')),
    );
    r.end();
    return r;
  });
}

// ---------------------------------------------------------------------------------------------
// WebSocket (RFC 6455, client side) carrying the v4 channel protocol.

function pipeWebSocket(local: net.Socket, ws: Duplex, head: Buffer, port: number, fail: (e: KubeError) => void): () => void {
  const portSeen = [false, false];
  let buf = head;
  /** When the frame at the head of buf is incomplete: the bytes it needs, and the reads held back. */
  let need = 0;
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let fragments: Buffer[] = [];
  let ended = false;
  const send = (opcode: number, payload: Buffer) => {
    if (ws.destroyed) return;
    const mask = randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (len < 126) header[1] = 0x80 | len;
    else if (len < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(len, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(len), 2);
    }
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i & 3]!;
    ws.write(Buffer.concat([header, mask, masked]));
  };
  const finish = () => {
    if (ended) return;
    ended = true;
    send(0x8, Buffer.from([0x03, 0xe8]));
    ws.end();
    local.destroy();
  };
  const message = (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0]!;
    let payload = data.subarray(1);
    if (channel > 1) return;
    if (!portSeen[channel]) {
      // The first message on each channel is the port number.
      portSeen[channel] = true;
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === 0) local.write(payload);
    else fail(new PodPortError(`port-forward to port ${port}: ${payload.toString('utf8').trim()}`));
  };
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return;
      const fin = (buf[0]! & 0x80) !== 0;
      const opcode = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      const masked = (buf[1]! & 0x80) !== 0;
      const maskKey = masked ? buf.subarray(off, off + 4) : undefined;
      if (masked) off += 4;
      if (buf.length < off + len) {
        // A frame spanning several reads (the API server's are up to 32 KiB, TLS records 16 KiB):
        // wait for its last byte instead of joining the buffer on every read.
        need = off + len;
        return;
      }
      need = 0;
      let payload = buf.subarray(off, off + len);
      if (maskKey) payload = Buffer.from(payload.map((b, i) => b ^ maskKey[i & 3]!));
      buf = buf.subarray(off + len);
      if (opcode === 0x8) return finish();
      if (opcode === 0x9) send(0xa, payload);
      else if (opcode === 0x2 || opcode === 0x1 || opcode === 0x0) {
        fragments.push(payload);
        if (fin) {
          const whole = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments);
          fragments = [];
          message(whole);
        }
      }
    }
  };
  ws.on('data', (d: Buffer) => {
    if (need > 0) {
      pending.push(d);
      pendingLength += d.length;
      if (buf.length + pendingLength < need) return;
      buf = Buffer.concat([buf, ...pending]);
      pending = [];
      pendingLength = 0;
    } else buf = buf.length ? Buffer.concat([buf, d]) : d;
    parse();
  });
  ws.on('error', () => local.destroy());
  ws.on('close', () => local.destroy());
  local.on('data', (d: Buffer) => send(0x2, Buffer.concat([Buffer.from([0]), d])));
  local.on('end', finish);
  local.on('close', finish);
  if (buf.length) parse();
  return finish;
}

// ---------------------------------------------------------------------------------------------
// SPDY/3.1 (client side): just what port-forward needs.

const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;
const MAX_DATA = 32 * 1024;

interface SpdyStream {
  onData(b: Buffer): void;
  onFin(): void;
  onReset(): void;
}

export class SpdyConnection {
  private nextId = 1;
  private nextRequest = 0;
  private buf: Buffer = Buffer.alloc(0);
  private zlibStarted = false;
  private readonly streams = new Map<number, SpdyStream>();
  private readonly closedHandlers: (() => void)[] = [];
  private dead = false;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
  ) {
    socket.on('data', (d: Buffer) => this.feed(d));
    socket.on('error', () => this.teardown());
    socket.on('close', () => this.teardown());
    if (head.length) this.feed(head);
  }

  onClosed(f: () => void): void {
    this.closedHandlers.push(f);
  }

  /** One local connection: an error stream (read-only for us) and a data stream. */
  forward(local: net.Socket, port: number, fail: (e: KubeError) => void): void {
    const requestId = String(this.nextRequest++);
    const common: [string, string][] = [
      ['port', String(port)],
      ['requestid', requestId],
    ];
    let errorText = '';
    const errorId = this.open([['streamtype', 'error'], ...common], {
      onData: (b) => (errorText += b.toString('utf8')),
      onFin: () => {
        if (errorText.trim()) {
          fail(new PodPortError(`port-forward to port ${port}: ${errorText.trim()}`));
          local.destroy();
        }
      },
      onReset: () => undefined,
    });
    // kubectl closes its side of the error stream at once: the server only writes to it.
    this.frameData(errorId, Buffer.alloc(0), true);
    let remoteEnded = false;
    const dataId = this.open([['streamtype', 'data'], ...common], {
      onData: (b) => local.write(b),
      onFin: () => {
        remoteEnded = true;
        local.end();
      },
      onReset: () => local.destroy(),
    });
    local.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i += MAX_DATA) this.frameData(dataId, d.subarray(i, i + MAX_DATA), false);
    });
    local.on('end', () => this.frameData(dataId, Buffer.alloc(0), true));
    local.on('close', () => {
      if (!remoteEnded) this.reset(dataId);
      this.reset(errorId);
      this.streams.delete(dataId);
      this.streams.delete(errorId);
    });
  }

  close(): void {
    if (this.dead) return;
    // GOAWAY (last good stream 0, status OK), then end the connection.
    const f = this.control(GOAWAY, 0, Buffer.alloc(8));
    if (!this.socket.destroyed) this.socket.end(f);
    this.teardown();
  }

  private teardown(): void {
    if (this.dead) return;
    this.dead = true;
    for (const s of this.streams.values()) s.onReset();
    this.streams.clear();
    this.socket.destroy();
    for (const f of this.closedHandlers) f();
  }

  private open(headers: [string, string][], stream: SpdyStream): number {
    const id = this.nextId;
    this.nextId += 2;
    this.streams.set(id, stream);
    const body = Buffer.alloc(10);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(0, 4); // associated-to stream
    body.writeUInt16BE(0, 8); // priority 0, slot 0
    this.write(this.control(SYN_STREAM, 0, Buffer.concat([body, this.headerBlock(headers)])));
    return id;
  }

  private reset(id: number): void {
    if (this.dead) return;
    const b = Buffer.alloc(8);
    b.writeUInt32BE(id & 0x7fffffff, 0);
    b.writeUInt32BE(5, 4); // CANCEL
    this.write(this.control(RST_STREAM, 0, b));
  }

  private frameData(id: number, data: Buffer, fin: boolean): void {
    if (this.dead) return;
    const h = Buffer.alloc(8);
    h.writeUInt32BE(id & 0x7fffffff, 0);
    h.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    this.write(Buffer.concat([h, data]));
  }

  private control(type: number, flags: number, payload: Buffer): Buffer {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8000 | 3, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
    return Buffer.concat([h, payload]);
  }

  /**
   * A SPDY/3 name/value block, inside the connection's zlib stream: the zlib header once (no
   * preset dictionary, which zlib readers accept), then per frame one fixed-Huffman deflate block
   * and a sync flush (an empty stored block), exactly as zlib's Z_SYNC_FLUSH frames it. The
   * server's decompressor thus sees every block complete at the end of each frame.
   */
  private headerBlock(headers: [string, string][]): Buffer {
    const parts: Buffer[] = [];
    const n = Buffer.alloc(4);
    n.writeUInt32BE(headers.length, 0);
    parts.push(n);
    for (const [k, v] of headers) {
      for (const s of [k, v]) {
        const b = Buffer.from(s, 'utf8');
        const l = Buffer.alloc(4);
        l.writeUInt32BE(b.length, 0);
        parts.push(l, b);
      }
    }
    const prefix = this.zlibStarted ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.zlibStarted = true;
    return Buffer.concat([prefix, deflateFixedSyncFlush(Buffer.concat(parts))]);
  }

  private write(b: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(b);
  }

  private feed(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + len) return;
      const frame = this.buf.subarray(0, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      this.frame(frame);
    }
  }

  private frame(f: Buffer): void {
    const flags = f[4]!;
    const payload = f.subarray(8);
    if ((f[0]! & 0x80) === 0) {
      const s = this.streams.get(f.readUInt32BE(0) & 0x7fffffff);
      if (!s) return;
      if (payload.length) s.onData(Buffer.from(payload));
      if (flags & FLAG_FIN) s.onFin();
      return;
    }
    const type = f.readUInt16BE(2);
    if (type === PING) this.write(Buffer.from(f));
    else if (type === RST_STREAM) {
      const id = payload.readUInt32BE(0) & 0x7fffffff;
      this.streams.get(id)?.onReset();
      this.streams.delete(id);
    } else if (type === GOAWAY) this.teardown();
    else if (type === SYN_REPLY && flags & FLAG_FIN) this.streams.get(payload.readUInt32BE(0) & 0x7fffffff)?.onFin();
    // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do (the server's side keeps no flow-control window).
  }
}

/** One non-final fixed-Huffman deflate block holding `data` as literals, then a sync flush. */
export function deflateFixedSyncFlush(data: Buffer): Buffer {
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  const bits = (value: number, count: number) => {
    // Deflate packs bits from the least significant end of each byte.
    for (let i = 0; i < count; i++) {
      acc |= ((value >> i) & 1) << nbits;
      if (++nbits === 8) {
        out.push(acc);
        acc = 0;
        nbits = 0;
      }
    }
  };
  const huffman = (code: number, len: number) => {
    // Huffman codes go most significant bit first.
    for (let i = len - 1; i >= 0; i--) bits((code >> i) & 1, 1);
  };
  bits(0, 1); // BFINAL 0
  bits(1, 2); // BTYPE 01: fixed Huffman codes
  for (const b of data) {
    if (b <= 143) huffman(0x30 + b, 8);
    else huffman(0x190 + (b - 144), 9);
  }
  huffman(0, 7); // end of block (256)
  bits(0, 1); // sync flush: an empty, non-final stored block…
  bits(0, 2);
  if (nbits > 0) bits(0, 8 - nbits); // …aligned to a byte…
  out.push(0x00, 0x00, 0xff, 0xff); // …of length 0
  return Buffer.from(out);
}
