// A bounded request driver for the harness's real data plane: sends at most --count HTTP
// requests (--concurrency at a time) to a loopback address, each bounded by --timeout-ms, the
// whole run by --deadline-ms; prints one JSON summary to stdout.
//
//   node drive.mjs --url http://127.1.0.3:9080/reviews --host reviews.ns.svc.cluster.local \
//     [--count 5] [--concurrency 1] [--timeout-ms 5000] [--deadline-ms 30000] [--method POST] [--header 'name: value']...
//
// Extra request headers: --header, or (for credentials such as an Authorization token, which must
// not appear in a process list or an error message) a JSON object in the environment variable
// DRIVE_HEADERS; --header wins on a name given both ways.
// Summary: {sent, codes: {"200": n, ...}, errors: {"ECONNRESET": n, ...}, ms}. Refuses any
// address that is not 127.0.0.0/8: the harness never sends traffic elsewhere.
import { request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    host: { type: 'string' },
    count: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1' },
    'timeout-ms': { type: 'string', default: '5000' },
    'deadline-ms': { type: 'string', default: '30000' },
    method: { type: 'string', default: 'GET' },
    header: { type: 'string', multiple: true, default: [] },
  },
});
function fail(msg) {
  console.error(`drive: ${msg}`);
  process.exit(64);
}
let url;
try {
  url = new URL(values.url ?? '');
} catch {
  fail(`--url must be an http URL, got ${values.url}`);
}
if (url.protocol !== 'http:') fail(`--url must be http, got ${url.protocol}`);
if (!/^127\.\d+\.\d+\.\d+$/.test(url.hostname)) fail(`--url must name a 127.0.0.0/8 address, got ${url.hostname}`);
const count = Math.min(Number(values.count), 1000);
const concurrency = Math.max(1, Math.min(Number(values.concurrency), 64));
const timeoutMs = Number(values['timeout-ms']);
const deadline = Date.now() + Math.min(Number(values['deadline-ms']), 300_000);
if (!(count > 0) || !(timeoutMs > 0)) fail('--count and --timeout-ms must be positive');
const method = values.method.toUpperCase();
if (!/^[A-Z]+$/.test(method)) fail(`--method must be an HTTP method, got ${values.method}`);
let envHeaders = {};
try {
  envHeaders = JSON.parse(process.env.DRIVE_HEADERS || '{}');
} catch {
  fail('DRIVE_HEADERS must be a JSON object of header names to values');
}
if (typeof envHeaders !== 'object' || envHeaders === null || Array.isArray(envHeaders) || Object.values(envHeaders).some((v) => typeof v !== 'string')) {
  fail('DRIVE_HEADERS must be a JSON object of header names to string values');
}
const extraHeaders = Object.fromEntries(Object.entries(envHeaders).map(([k, v]) => [k.toLowerCase(), v]));
if ('host' in extraHeaders) fail('DRIVE_HEADERS must not set host (use --host)');
for (const h of values.header) {
  const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(h);
  if (!m || m[1].toLowerCase() === 'host') fail(`--header must be 'name: value' (not host), got ${h}`);
  extraHeaders[m[1].toLowerCase()] = m[2];
}

const codes = {};
const errors = {};
let sent = 0;
const t0 = Date.now();

function one() {
  return new Promise((done) => {
    const req = request(
      { host: url.hostname, port: url.port || 80, path: url.pathname + url.search, method, agent: false, headers: { ...extraHeaders, host: values.host ?? url.host, connection: 'close' } },
      (res) => {
        res.resume();
        res.on('end', () => {
          codes[res.statusCode] = (codes[res.statusCode] ?? 0) + 1;
          done();
        });
        res.on('error', (e) => {
          errors[e.code ?? e.message] = (errors[e.code ?? e.message] ?? 0) + 1;
          done();
        });
      },
    );
    req.setTimeout(Math.max(1, Math.min(timeoutMs, deadline - Date.now())), () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e) => {
      errors[e.code ?? e.message] = (errors[e.code ?? e.message] ?? 0) + 1;
      done();
    });
    req.end();
  });
}

async function worker() {
  while (sent < count && Date.now() < deadline) {
    sent++;
    await one();
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(`${JSON.stringify({ sent, codes, errors, ms: Date.now() - t0 })}\n`);
