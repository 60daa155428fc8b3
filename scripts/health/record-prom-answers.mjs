#!/usr/bin/env node
// Records what a real Prometheus answers to istio-ts health's queries over a recorded /metrics
// text (fixtures/health/recorded/*.txt): the text is served on 127.0.0.1, scraped every second
// by the Debian `prometheus` binary (started on 127.0.0.1 with a throw-away TSDB), and each query
// of the list is asked at one instant through /api/v1/query. The answers (the API's JSON bodies,
// keyed by query) go to --out, for unit tests that drive health's parsers and judges with them.
//
//   node scripts/health/record-prom-answers.mjs --metrics FILE --queries QUERIES.json --out ANSWERS.json
//
// QUERIES.json is a JSON list of PromQL strings (e.g. promQueries(CATALOG, '5m') from
// src/health/judge-prom.ts). Loopback only; bounded: 60 s to the third scrape, 5 s per query.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({ options: { metrics: { type: 'string' }, queries: { type: 'string' }, out: { type: 'string' } } });
if (!a.metrics || !a.queries || !a.out) {
  console.error('usage: record-prom-answers.mjs --metrics FILE --queries QUERIES.json --out ANSWERS.json');
  process.exit(64);
}
const text = readFileSync(a.metrics, 'utf8');
const queries = JSON.parse(readFileSync(a.queries, 'utf8'));
const listen = (srv) => new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok(srv.address().port)));
const metrics = createServer((req, res) => {
  res.writeHead(req.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(req.url === '/metrics' ? text : '');
});
const mport = await listen(metrics);
const free = createServer();
const pport = await listen(free);
await new Promise((ok) => free.close(ok));
const dir = mkdtempSync(join(tmpdir(), 'record-prom-'));
writeFileSync(join(dir, 'prometheus.yml'), `global: {scrape_interval: 1s}\nscrape_configs:\n  - {job_name: istiod, static_configs: [{targets: ["127.0.0.1:${mport}"]}]}\n`);
const prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${pport}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${pport}`;
const ask = async (q, time) => {
  const r = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: q, ...(time ? { time } : {}) })}`, { signal: AbortSignal.timeout(5000) });
  return r.text();
};
try {
  const until = Date.now() + 60_000;
  for (;;) {
    const n = await ask('count_over_time(up[1m])').then((t) => Number(JSON.parse(t).data?.result?.[0]?.value?.[1] ?? 0)).catch(() => 0);
    if (n >= 3) break;
    if (Date.now() > until) throw new Error('Prometheus did not scrape the recorded metrics 3 times within 60 s');
    await new Promise((ok) => setTimeout(ok, 500));
  }
  const time = (Date.now() / 1000).toFixed(3);
  const answers = {};
  for (const q of queries) answers[q] = JSON.parse(await ask(q, time));
  writeFileSync(a.out, `${JSON.stringify({ prometheus: (await (await fetch(`${base}/api/v1/status/buildinfo`, { signal: AbortSignal.timeout(5000) })).json()).data?.version, time: Number(time), answers }, null, 1)}\n`);
  console.log(`${queries.length} answers at ${time} -> ${a.out}`);
} finally {
  prom.kill('SIGTERM');
  metrics.close();
  await new Promise((ok) => prom.once('exit', ok));
  rmSync(dir, { recursive: true, force: true });
}
