// A small app server for the harness's real data plane, on 127.0.0.1 only.
//
//   node app.mjs --name reviews --port 18080 --mode ok|500|reset|slow|flaky|echo [--delay-ms 3000] [--first N]
//
// ok: 200 with a short body naming the app; 500: 500; reset: the connection is reset (TCP RST)
// as soon as a request arrives, before any response; slow: 200 after --delay-ms; flaky: 503 to
// the 1st, 3rd, 5th… request and 200 to the others (a failure one retry masks). "stopped" is the
// process not running (dataplane.sh app-down). Logs one line per request to stdout.
// --first N: the mode applies to the first N requests of each path only; later requests of that
// path are answered as in mode ok (slow-then-ok, 500-then-ok: what a retry meets).
// echo: not HTTP but a plain TCP server that echoes what it receives (one log line per connection,
// when it ends, with the bytes received).
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'app' },
    port: { type: 'string' },
    mode: { type: 'string', default: 'ok' },
    'delay-ms': { type: 'string', default: '0' },
    first: { type: 'string', default: '0' },
  },
});
const modes = new Set(['ok', '500', 'reset', 'slow', 'flaky', 'echo']);
const port = Number(values.port);
const delay = Number(values['delay-ms']);
const first = Number(values.first);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`app: --port must be a TCP port, got ${values.port}`);
  process.exit(64);
}
if (!modes.has(values.mode)) {
  console.error(`app: --mode must be one of ${[...modes].join(', ')}, got ${values.mode}`);
  process.exit(64);
}
if (!Number.isInteger(first) || first < 0) {
  console.error(`app: --first must be a non-negative integer, got ${values.first}`);
  process.exit(64);
}

/** Requests seen per path (for --first). */
const seen = new Map();

const tcpEcho = () =>
  createTcpServer((socket) => {
    // One line per connection when it ends, with the bytes received: "<time> <name> echo TCP bytes=<n>".
    let bytes = 0;
    socket.on('data', (d) => (bytes += d.length));
    socket.on('close', () => console.log(`${new Date().toISOString()} ${values.name} echo TCP bytes=${bytes}`));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });

let served = 0;
const httpServer = () => createServer((req, res) => {
  served += 1;
  const n = (seen.get(req.url) ?? 0) + 1;
  seen.set(req.url, n);
  const mode = first > 0 && n > first ? 'ok' : values.mode;
  const line = `${new Date().toISOString()} ${values.name} ${mode} ${req.method} ${req.url}`;
  console.log(line);
  switch (mode) {
    case 'ok':
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${values.name} ok\n`);
      break;
    case '500':
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${values.name} failing\n`);
      break;
    case 'reset':
      req.socket.resetAndDestroy();
      break;
    case 'flaky':
      if (served % 2 === 1) res.writeHead(503, { 'content-type': 'text/plain' }).end(`${values.name} flaky\n`);
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(`${values.name} ok\n`);
      break;
    case 'slow': {
      const t = setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${values.name} slow ok\n`), delay);
      res.on('close', () => clearTimeout(t));
      break;
    }
  }
});
const server = values.mode === 'echo' ? tcpEcho() : httpServer();
if (values.mode !== 'echo') server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`${values.name} listening on 127.0.0.1:${port} mode ${values.mode}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.closeAllConnections?.(); server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); });
