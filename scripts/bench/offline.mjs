// istio-ts side by side with the harness's istioctl on the same inputs, in one run: each row
// alternates the order of the two tools, reports medians (min–max) and peak RSS, and the ratio
// istio-ts / istioctl (below 1 is faster). Without a built istioctl it says so and reports only
// the parse-limit rows (istio-ts against a bare YAML parse / JSON.parse / `node -e 0`).
//
//   npm run bench                     all offline rows (BENCH_RUNS=5 runs per side, 1 warm-up)
//   npm run bench offline -- analyze  only rows whose name contains "analyze"
// Env: ISTIOCTL or HARNESS_BIN (else the harness cache is searched), BENCH_RUNS, BENCH_DUMP_MB (51).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { generateConfigDump } from './_configdump.mjs';
import { cli, compare, findIstioctl, fmtSide, node, printTable, root, runOnce } from './_lib.mjs';
import { generateMesh } from './_mesh.mjs';

if (!existsSync(path.join(root, 'dist/cli/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const runs = Number(process.env.BENCH_RUNS ?? 5);
const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const want = (name) => filter.length === 0 || filter.some((f) => name.includes(f));
const istioctl = findIstioctl();
const env = { KUBECONFIG: '/nonexistent/kubeconfig', HOME: process.env.HOME ?? '/root' };
const ours = (args) => ({ name: 'istio-ts', cmd: node, args: [cli, ...args], env });
const theirs = (args) => ({ name: 'istioctl', cmd: istioctl, args, env });

const extraCerts = process.env.NODE_EXTRA_CA_CERTS ? { file: process.env.NODE_EXTRA_CA_CERTS, count: certCount(process.env.NODE_EXTRA_CA_CERTS) } : undefined;
const work = mkdtempSync(path.join(tmpdir(), 'istio-ts-bench-'));
const rows = [];
const limits = [];
const ratio = (a, b) => a.median / b.median;
const fx = (r) => r.toFixed(2);

function row(name, target, oursArgs, theirArgs, ok = [0], extraEnv = {}, rowRuns = runs) {
  if (!want(name)) return;
  if (!istioctl) return;
  process.stderr.write(`bench: ${name} …\n`);
  const [o, t] = compare([{ ...ours(oursArgs), okStatus: ok, env: { ...env, ...extraEnv } }, { ...theirs(theirArgs), okStatus: ok, env: { ...env, ...extraEnv } }], { runs: rowRuns });
  rows.push([name, fmtSide(o), fmtSide(t), fx(ratio(o, t)), `${o.rssMB.toFixed(0)} / ${t.rssMB.toFixed(0)} MB`, target]);
}

function limit(name, target, oursSide, baseSide) {
  if (!want(name)) return;
  process.stderr.write(`bench: ${name} (parse limit) …\n`);
  const [o, b] = compare([oursSide, baseSide], { runs });
  limits.push([name, fmtSide(o), fmtSide(b), fx(ratio(o, b)), `${o.rssMB.toFixed(0)} / ${b.rssMB.toFixed(0)} MB`, target]);
}

try {
  // ---- inputs
  const meshDir = path.join(work, 'mesh');
  mkdirSync(meshDir);
  const mesh = generateMesh(meshDir);
  const one = path.join(work, 'one.yaml');
  writeFileSync(one, readFileSync(mesh.files[0], 'utf8').split('\n---\n').slice(0, 3).join('\n---\n'));
  const bookinfo = bookinfoFiles();
  const dumpMb = Number(process.env.BENCH_DUMP_MB ?? 51);
  const bigDump = path.join(work, 'config_dump.json');
  generateConfigDump(bigDump, dumpMb * 1024 * 1024);
  const smallDump = path.join(root, 'fixtures/envoy/sidecar/config_dump.json');
  console.log(`inputs: mesh ${mesh.docs} documents in ${mesh.files.length} files; bookinfo ${bookinfo.source} (${bookinfo.files.length} files); config_dump ${(statSync(bigDump).size / 1048576).toFixed(1)} MB and ${(statSync(smallDump).size / 1024).toFixed(0)} KB; ${runs} runs per side (the start-up rows at least 21), alternating, after 1 warm-up`);
  if (extraCerts) console.log(`environment: NODE_EXTRA_CA_CERTS=${extraCerts.file} (${extraCerts.count} certificates), which Node 20 reads at every start; the start-up row is repeated with it unset, for both tools`);
  console.log(istioctl ? `istioctl: ${istioctl} (${runOnce(istioctl, ['version', '--remote=false', '--short'], { keepStdout: true }).stdout.trim()})` : 'istioctl: not built (run `bash test/harness/build.sh`, or set ISTIOCTL/HARNESS_BIN); only the parse-limit rows follow');

  // ---- istio-ts / istioctl
  const analyze = ['analyze', '--use-kube=false', '-A'];
  row('analyze, 10k-document mesh', '≤ 1.0', [...analyze, ...mesh.files], [...analyze, ...mesh.files], [0, 79]);
  // Runs of ~50-100 ms vary by ±20 % on a shared machine: the start-up rows take at least 21 runs
  // per side (a few seconds), so that their medians hold still.
  const startupRuns = Math.max(runs, 21);
  row('analyze one small file (start-up)', '≤ 1.5', [...analyze, one], [...analyze, one], [0, 79], {}, startupRuns);
  // Node 20 reads every certificate of NODE_EXTRA_CA_CERTS before running any script
  // (nodejs/node#40524): a whole-system bundle there costs every Node process ~30 ms on this
  // machine; istioctl reads CA files only when it makes a TLS connection. Both rows are reported.
  if (extraCerts) row('analyze one small file (start-up), NODE_EXTRA_CA_CERTS unset', '—', [...analyze, one], [...analyze, one], [0, 79], { NODE_EXTRA_CA_CERTS: undefined }, startupRuns);
  row('analyze bookinfo', '—', [...analyze, ...bookinfo.files], [...analyze, ...bookinfo.files], [0, 79]);
  if (istioctl && want('kube-inject')) {
    const inj = injectorFiles(istioctl, work);
    const flags = ['--injectConfigFile', inj.config, '--valuesFile', inj.values, '--meshConfigFile', inj.mesh];
    const api = await startFakeApiserver(work);
    try {
      const kenv = { ...env, KUBECONFIG: api.kubeconfig };
      const [o, t] = compare([{ ...ours(['kube-inject', '-f', bookinfo.platform, ...flags]), env: kenv }, { ...theirs(['kube-inject', '-f', bookinfo.platform, ...flags]), env: kenv }], { runs });
      rows.push(['kube-inject bookinfo', fmtSide(o), fmtSide(t), fx(ratio(o, t)), `${o.rssMB.toFixed(0)} / ${t.rssMB.toFixed(0)} MB`, '≤ 1.0']);
    } finally {
      api.stop();
    }
  }
  row('manifest generate (default)', '≤ 1.0', ['manifest', 'generate'], ['manifest', 'generate']);
  row('manifest generate (demo)', '≤ 1.0', ['manifest', 'generate', '--set', 'profile=demo'], ['manifest', 'generate', '--set', 'profile=demo']);
  row(`proxy-config cluster, ${dumpMb} MB config_dump`, '≤ 0.5', ['proxy-config', 'cluster', '-f', bigDump], ['proxy-config', 'cluster', '-f', bigDump]);
  row('proxy-config cluster, small dump', '—', ['proxy-config', 'cluster', '-f', smallDump], ['proxy-config', 'cluster', '-f', smallDump]);

  // ---- parse limits: what the work costs in the same runtime with nothing else
  const parseScript = path.join(work, 'parse.mjs');
  writeFileSync(
    parseScript,
    `import { readFileSync } from 'node:fs';\nimport { parseAllDocuments } from ${JSON.stringify(path.join(root, 'node_modules/yaml/dist/index.js'))};\nlet n = 0;\nfor (const f of process.argv.slice(2)) for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) { d.toJS(); n++; }\nif (n === 0) process.exit(1);\n`,
  );
  limit('analyze 10k docs / YAML parse alone', '≤ 2.0', { ...ours([...analyze, ...mesh.files]), okStatus: [0, 79] }, { name: 'yaml', cmd: node, args: [parseScript, ...mesh.files] });
  limit('analyze one file / node -e 0', '≤ 2.5', { ...ours([...analyze, one]), okStatus: [0, 79] }, { name: 'node', cmd: node, args: ['-e', '0'] });
  if (extraCerts) limit('node -e 0, NODE_EXTRA_CA_CERTS set / unset', '—', { name: 'node (set)', cmd: node, args: ['-e', '0'] }, { name: 'node (unset)', cmd: node, args: ['-e', '0'], env: { ...env, NODE_EXTRA_CA_CERTS: undefined } });
  limit(`proxy-config cluster ${dumpMb} MB / JSON.parse`, '≤ 1.5', ours(['proxy-config', 'cluster', '-f', bigDump]), {
    name: 'JSON.parse',
    cmd: node,
    args: ['-e', `const d=JSON.parse(require("fs").readFileSync(${JSON.stringify(bigDump)},"utf8"));if(!d.configs)process.exit(3)`],
  });

  console.log('');
  if (rows.length) {
    console.log('istio-ts / istioctl (wall: median (min–max); peak RSS: max of the runs)');
    printTable(['work', 'istio-ts', 'istioctl', 'ratio', 'peak RSS ours / istioctl', 'target'], rows);
    console.log('');
  }
  if (limits.length) {
    console.log('parse limits (istio-ts against the bare parse in the same runtime)');
    printTable(['work', 'istio-ts', 'baseline', 'ratio', 'peak RSS ours / baseline', 'target'], limits);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function certCount(file) {
  try {
    return readFileSync(file, 'latin1').split('-----BEGIN CERTIFICATE-----').length - 1;
  } catch {
    return 'unreadable';
  }
}

/** Bookinfo: the upstream sample from the shared conformance data when present, else our own. */
function bookinfoFiles() {
  const shared = path.resolve(root, '../shared/conformance/samples/bookinfo');
  const platform = path.join(shared, 'platform/kube/bookinfo.yaml');
  if (existsSync(platform)) {
    const net = ['bookinfo-gateway.yaml', 'destination-rule-all.yaml', 'virtual-service-all-v1.yaml'].map((f) => path.join(shared, 'networking', f)).filter((f) => existsSync(f));
    return { source: 'upstream sample (../shared/conformance/samples)', platform, files: [platform, ...net] };
  }
  const own = path.join(root, 'fixtures/bench/bookinfo');
  const p = path.join(own, 'bookinfo.yaml');
  return { source: 'fixtures/bench/bookinfo', platform: p, files: [p, path.join(own, 'networking.yaml')] };
}

/** Starts _fake-apiserver.mjs; returns a kubeconfig for it and how to stop it. */
async function startFakeApiserver(dir) {
  const child = spawn(node, [path.join(path.dirname(fileURLToPath(import.meta.url)), '_fake-apiserver.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (c) => reject(new Error(`fake API server exited ${c}`)));
  });
  const kubeconfig = path.join(dir, 'kubeconfig-fake');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster: {server: "http://127.0.0.1:${port}"}\ncontexts:\n- name: fake\n  context: {cluster: fake, user: fake, namespace: default}\ncurrent-context: fake\nusers:\n- name: fake\n  user: {}\n`);
  return { kubeconfig, stop: () => child.kill() };
}

/** The default profile's injector config, values and mesh config, as istioctl renders them. */
function injectorFiles(istioctl, dir) {
  const r = runOnce(istioctl, ['manifest', 'generate'], { keepStdout: true, env });
  if (r.status !== 0) throw new Error(`istioctl manifest generate: ${r.stderr}`);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
  const cm = (name) => docs.find((d) => d?.kind === 'ConfigMap' && d.metadata?.name === name);
  const inj = cm('istio-sidecar-injector');
  const meshCm = cm('istio');
  if (!inj || !meshCm) throw new Error('istioctl manifest generate rendered no istio-sidecar-injector / istio ConfigMap');
  const out = { config: path.join(dir, 'inject-config.yaml'), values: path.join(dir, 'inject-values.yaml'), mesh: path.join(dir, 'mesh.yaml') };
  writeFileSync(out.config, inj.data.config);
  writeFileSync(out.values, inj.data.values);
  writeFileSync(out.mesh, meshCm.data.mesh);
  return out;
}
