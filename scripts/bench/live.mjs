// The live rows: istio-ts side by side with the harness's istioctl against the same real
// kube-apiserver and real istiod, with 100, 300 and 1,000 connected proxies (fake sidecars, one
// per injected KWOK pod). Brings up its own harness (its own HARNESS_DIR, a KWOK node sized for the
// largest count) and brings it down at the end, also on failure and on ctrl-C. Minutes long: run
// only when asked for (`npm run bench live`), never in CI.
//
//   npm run bench live                      every live row
//   npm run bench live -- proxy-status      only rows whose name contains "proxy-status"
//
// Per proxy count: `proxy-status` and `version` (both tools, alternating order, median (min–max)
// of BENCH_RUNS runs after a warm-up, peak RSS). At 100 proxies also `proxy-stats -l` over the 100
// pods (istioctl's counterpart: `x envoy-stats -l`) and `capture` to a Service with the 100 pods
// behind it (istioctl has no counterpart: reported alone, per proxy). Each tool's output is checked
// for the proxies it must list: a fast wrong answer is not a result.
//
// Env: BENCH_RUNS (5), BENCH_PROXIES (100,300,1000), ISTIOCTL / HARNESS_BIN (else the harness cache),
// BENCH_HARNESS_DIR (default .harness/bench-live-<pid>), BENCH_CLI (the istio-ts entry to measure,
// default bin/istio-ts.js: point it at another build to compare before/after), BENCH_HARNESS_EXTERNAL=1
// (use the harness already up in BENCH_HARNESS_DIR, brought up with HARNESS_NODE_PODS, and leave it up).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli as defaultCli, compare, findIstioctl, fmtMs, fmtSide, node, printTable, root, runOnce } from './_lib.mjs';

const cli = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : defaultCli;
if (!existsSync(cli) || (!process.env.BENCH_CLI && !existsSync(path.join(root, 'dist/cli/main.js')))) {
  console.error(`${cli} or dist/ is missing: run \`npm run build\` first`);
  process.exit(2);
}
const istioctl = findIstioctl();
if (!istioctl) {
  console.log('istioctl: not built; the live bench needs the harness binaries (bash test/harness/build.sh, or set HARNESS_BIN)');
  process.exit(2);
}
const binDir = path.dirname(istioctl);
for (const b of ['kwokctl', 'pilot-discovery', 'fake-sidecar', 'kubectl']) {
  if (!existsSync(path.join(binDir, b))) {
    console.log(`${binDir} has no ${b}: the live bench needs the harness binaries beside istioctl (bash test/harness/build.sh)`);
    process.exit(2);
  }
}
const runs = Number(process.env.BENCH_RUNS ?? 5);
const counts = (process.env.BENCH_PROXIES ?? '100,300,1000').split(',').map(Number);
if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 5000)) {
  console.error(`BENCH_PROXIES=${process.env.BENCH_PROXIES}: a comma list of proxy counts from 1 to 5000`);
  process.exit(2);
}
counts.sort((a, b) => a - b);
const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const want = (name) => filter.length === 0 || filter.some((f) => name.includes(f));

const NS = 'istio-ts-proxies';
const external = process.env.BENCH_HARNESS_EXTERNAL === '1';
if (external && !process.env.BENCH_HARNESS_DIR) {
  console.error('BENCH_HARNESS_EXTERNAL=1 needs BENCH_HARNESS_DIR (the HARNESS_DIR of the running harness)');
  process.exit(2);
}
const harnessDir = path.resolve(process.env.BENCH_HARNESS_DIR ?? path.join(root, '.harness', `bench-live-${process.pid}`));
const harnessEnv = { ...process.env, HARNESS_DIR: harnessDir, HARNESS_BIN: binDir, HARNESS_NODE_PODS: String(Math.max(110, counts[counts.length - 1] + 100)) };
delete harnessEnv.HARNESS_PORT_OFFSET;
const work = mkdtempSync(path.join(tmpdir(), 'istio-ts-bench-live-'));

// ---- harness lifecycle: down on every way out
let up = false;
let downDone = false;
function down() {
  if (downDone) return;
  downDone = true;
  if (!external && (up || existsSync(harnessDir))) {
    process.stderr.write(`bench: bringing the harness down (${harnessDir})\n`);
    spawnSync('bash', [path.join(root, 'scripts/harness.sh'), 'down'], { env: harnessEnv, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
    rmSync(harnessDir, { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', down);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stderr.write(`bench: ${sig}\n`);
    down();
    process.exit(130);
  });
}

function harness(args, { timeout = 30 * 60_000 } = {}) {
  const t0 = Date.now();
  const r = spawnSync('bash', [path.join(root, 'scripts/harness.sh'), ...args], { env: harnessEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout });
  const s = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`harness.sh ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${(r.stderr ?? '').trim().split('\n').slice(-15).join('\n')}`);
  return { s, stdout: r.stdout };
}

function parseExports(out) {
  const env = {};
  for (const line of out.split('\n')) {
    const m = /^export ([A-Z_]+)=(?:'(.*)'|(.*))$/.exec(line.trim());
    if (m) env[m[1]] = m[2] ?? m[3] ?? '';
  }
  return env;
}

const rows = [];
const alone = [];
const setup = [];
const fx = (r) => r.toFixed(2);
const rss = (o, t) => `${o.rssMB.toFixed(0)} / ${t.rssMB.toFixed(0)} MB`;

/** How many lines of `text` name a proxy of the bench namespace. */
const listed = (text) => text.split('\n').filter((l) => l.includes(`.${NS} `) || l.includes(`.${NS}\t`)).length;

function check(what, r, test) {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const why = test(r.stdout);
  if (why) throw new Error(`${what}: ${why}`);
}

try {
  if (!external) process.stderr.write(`bench: bringing up a harness in ${harnessDir} (KWOK node for ${harnessEnv.HARNESS_NODE_PODS} pods)\n`);
  up = true;
  const u = harness([external ? 'env' : 'up']);
  if (!external) setup.push(['harness up', `${u.s.toFixed(1)} s`]);
  const env = { ...parseExports(u.stdout), HOME: process.env.HOME ?? '/root' };
  const kubectl = (...args) => spawnSync(path.join(binDir, 'kubectl'), args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ours = (args) => ({ name: 'istio-ts', cmd: node, args: [cli, ...args], env });
  const theirs = (args) => ({ name: 'istioctl', cmd: istioctl, args, env });
  console.log(`istioctl: ${istioctl} (${runOnce(istioctl, ['version', '--remote=false', '--short'], { keepStdout: true }).stdout.trim()}); istio-ts: ${cli}`);
  console.log(`${runs} runs per side, alternating, after 1 warm-up; proxy counts ${counts.join(', ')}`);

  for (const n of counts) {
    process.stderr.write(`bench: scaling to ${n} connected proxies …\n`);
    const p = harness(['proxies', String(n), NS]);
    setup.push([`${n} proxies connected (scale from the previous count)`, `${p.s.toFixed(1)} s`]);

    if (want(`proxy-status, ${n}`)) {
      const name = `proxy-status, ${n} proxies`;
      process.stderr.write(`bench: ${name} …\n`);
      for (const [who, side] of [['istio-ts', ours(['proxy-status'])], ['istioctl', theirs(['proxy-status'])]]) {
        check(`${who} proxy-status`, runOnce(side.cmd, side.args, { env: side.env, keepStdout: true }), (out) => (listed(out) === n ? '' : `lists ${listed(out)} proxies of ${NS}, not ${n}`));
      }
      const [o, t] = compare([ours(['proxy-status']), theirs(['proxy-status'])], { runs });
      rows.push([name, fmtSide(o), fmtSide(t), fx(o.median / t.median), rss(o, t), '≤ 1.0 at 1,000']);
    }
    if (want(`version, ${n}`)) {
      const name = `version, ${n} proxies`;
      process.stderr.write(`bench: ${name} …\n`);
      const dp = new RegExp(`data plane version: .*\\(${n} prox`);
      check('istio-ts version', runOnce(node, [cli, 'version'], { env, keepStdout: true }), (out) => (dp.test(out) ? '' : `no "data plane version: … (${n} proxies)" in:\n${out}`));
      check('istioctl version', runOnce(istioctl, ['version'], { env, keepStdout: true }), (out) => (dp.test(out) ? '' : `no "data plane version: … (${n} proxies)" in:\n${out}`));
      const [o, t] = compare([ours(['version']), theirs(['version'])], { runs });
      rows.push([name, fmtSide(o), fmtSide(t), fx(o.median / t.median), rss(o, t), '≤ 1.0 at 1,000']);
    }

    if (n !== counts[0]) continue;
    // ---- over the pods of the first count (100 by default)
    if (want('proxy-stats')) {
      const name = `proxy-stats -l over ${n} pods`;
      process.stderr.write(`bench: ${name} …\n`);
      const oa = ['proxy-stats', '-l', 'app=proxy', '-n', NS];
      const ta = ['x', 'envoy-stats', '-l', 'app=proxy', '-n', NS];
      // Both print one block per pod, each with the pod's name: every pod must be there.
      const pods = kubectl('get', 'pods', '-n', NS, '-o', 'jsonpath={.items[*].metadata.name}').stdout.trim().split(/\s+/);
      for (const [who, side] of [['istio-ts', ours(oa)], ['istioctl', theirs(ta)]]) {
        check(`${who} ${side.args.join(' ')}`, runOnce(side.cmd, side.args, { env: side.env, keepStdout: true }), (out) => {
          const missing = pods.filter((pod) => !out.includes(pod));
          return missing.length ? `${missing.length} of ${pods.length} pods missing from the output (e.g. ${missing[0]})` : '';
        });
      }
      const [o, t] = compare([ours(oa), theirs(ta)], { runs });
      rows.push([name, fmtSide(o), fmtSide(t), fx(o.median / t.median), rss(o, t), '—']);
    }
    if (want('capture')) {
      const name = `capture to a Service with ${n} pods`;
      process.stderr.write(`bench: ${name} …\n`);
      const svc = kubectl('-n', NS, 'create', 'service', 'clusterip', 'proxy', '--tcp=80:8080');
      if (svc.status !== 0) throw new Error(`kubectl create service: ${svc.stderr}`);
      try {
        const from = kubectl('get', 'pods', '-n', NS, '-o', 'jsonpath={.items[0].metadata.name}').stdout.trim();
        let k = 0;
        const args = () => ['capture', `${from}.${NS}`, `proxy.${NS}:80`, '-d', path.join(work, `capture-${k++}`)];
        const first = runOnce(node, [cli, ...args()], { env, keepStdout: true });
        check('istio-ts capture', first, () => {
          const dir = path.join(work, `capture-${k - 1}`, 'proxies', NS);
          const got = existsSync(dir) ? readdirSync(dir).length : 0;
          return got === n ? '' : `captured ${got} proxies, not ${n}: ${first.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
        });
        const ms = [];
        const mem = [];
        for (let i = 0; i < runs; i++) {
          const r = runOnce(node, [cli, ...args()], { env });
          if (r.status !== 0) throw new Error(`istio-ts capture exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
          ms.push(r.ms);
          mem.push(r.rssMB);
        }
        const s = ms.slice().sort((a, b) => a - b);
        const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        alone.push([name, `${fmtMs(med)} (${fmtMs(s[0])}–${fmtMs(s[s.length - 1])})`, `${fmtMs(med / n)} per proxy`, `${Math.max(...mem).toFixed(0)} MB`]);
      } finally {
        kubectl('-n', NS, 'delete', 'service', 'proxy', '--ignore-not-found');
      }
    }
  }

  console.log('');
  console.log('istio-ts / istioctl, live (wall: median (min–max); peak RSS: max of the runs)');
  printTable(['work', 'istio-ts', 'istioctl', 'ratio', 'peak RSS ours / istioctl', 'target'], rows);
  if (alone.length) {
    console.log('');
    console.log('istio-ts alone (istioctl has no counterpart: it does not collect a request path in one command)');
    printTable(['work', 'istio-ts', 'per proxy', 'peak RSS'], alone);
  }
  console.log('');
  console.log('harness');
  printTable(['step', 'wall'], setup);
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
} finally {
  down();
}
