// A small app server for the harness's real data plane, on 127.0.0.1 only.
//
//   node app.mjs --name reviews --port 18080 --mode ok|500|reset|slow|flaky [--delay-ms 3000]
//
// ok: 200 with a short body naming the app; 500: 500; reset: the connection is reset (TCP RST)
// as soon as a request arrives, before any response; slow: 200 after --delay-ms; flaky: 503 to
// the 1st, 3rd, 5th… request and 200 to the others (a failure one retry masks). "stopped" is the
// process not running (dataplane.sh app-down). Logs one line per request to stdout.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'app' },
    port: { type: 'string' },
    mode: { type: 'string', default: 'ok' },
    'delay-ms': { type: 'string', default: '0' },
  },
});
const modes = new Set(['ok', '500', 'reset', 'slow', 'flaky']);
const port = Number(values.port);
const delay = Number(values['delay-ms']);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`app: --port must be a TCP port, got ${values.port}`);
  process.exit(64);
}
if (!modes.has(values.mode)) {
  console.error(`app: --mode must be one of ${[...modes].join(', ')}, got ${values.mode}`);
  process.exit(64);
}

let served = 0;
const server = createServer((req, res) => {
  served += 1;
  const line = `${new Date().toISOString()} ${values.name} ${values.mode} ${req.method} ${req.url}`;
  console.log(line);
  switch (values.mode) {
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
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`${values.name} listening on 127.0.0.1:${port} mode ${values.mode}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.closeAllConnections(); server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 1000).unref(); });
