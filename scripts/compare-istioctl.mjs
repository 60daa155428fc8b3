#!/usr/bin/env node
// Side by side with the real istioctl on upstream's analyzer inputs: every (code, origin) pair
// istioctl reports must be reported by istio-ts too, except where istioctl is wrong (listed below
// with the reason). istio-ts reporting more is fine and is counted, not failed.
//
//   node scripts/compare-istioctl.mjs [--istioctl PATH] [--data DIR] [--only SUBSTRING] [-v]
//
// --istioctl  the istioctl binary (default: $ISTIOCTL, else <dir printed by test/harness/build.sh>/istioctl;
//             build.sh only prints the cached directory once the harness is built)
// --data      the conformance data folder (default: ../shared/conformance)
// -v          print every pair istio-ts reports that istioctl does not
//
// Two runs for each input: each upstream case as `--analyzer <name>` over its files, and every
// YAML file of the test data alone with all analyzers. Both tools get the same arguments:
// `analyze --use-kube=false -A -o json [--meshConfigFile F] [--analyzer A] FILES`.
// Exit status: 0 when istio-ts covers every istioctl pair not listed in ISTIOCTL_WRONG.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = { istioctl: process.env.ISTIOCTL ?? '', data: path.resolve(root, '../shared/conformance'), only: '', verbose: false };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--istioctl') opt.istioctl = argv[++i];
  else if (a === '--data') opt.data = path.resolve(argv[++i]);
  else if (a === '--only') opt.only = argv[++i];
  else if (a === '-v') opt.verbose = true;
  else {
    process.stderr.write(`unknown argument ${a}\n`);
    process.exit(64);
  }
}

/**
 * Pairs istioctl reports that istio-ts deliberately does not, keyed "<input> <code> <origin>"
 * (input = case id or file name), with why istioctl is wrong there.
 */
const KGW_REASON =
  'the VirtualService binds to default/my-gateway, a Gateway API Gateway in the same input whose listener has this host. ' +
  "istioctl's file mode does not turn Gateway API Gateways into gateways a VirtualService can bind to, so it calls the gateway " +
  "missing (IST0101) and the host unmatched (IST0132); upstream's own analyzer test for this input (virtualServiceKubernetesGateways) " +
  'expects neither, only IST0132 for my-vs-host-mismatch, whose host the listener does not have';
const ISTIOCTL_WRONG = new Map(
  ['virtualServiceKubernetesGateways', 'virtualservice_kubernetes_gateways.yaml'].flatMap((input) => [
    [`${input} IST0101 VirtualService default/my-vs`, KGW_REASON],
    [`${input} IST0101 VirtualService default/my-vs-host-mismatch`, KGW_REASON],
    [`${input} IST0132 VirtualService default/my-vs`, KGW_REASON],
  ]),
);

if (!opt.istioctl) {
  const r = spawnSync('bash', [path.join(root, 'test/harness/build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const dir = r.stdout.trim().split('\n').pop() ?? '';
  opt.istioctl = path.join(dir, 'istioctl');
}
if (!existsSync(opt.istioctl)) {
  process.stderr.write(`istioctl not found at "${opt.istioctl}"; pass --istioctl PATH or set ISTIOCTL\n`);
  process.exit(66);
}
const analyzeDir = path.join(opt.data, 'analyze');
const td = path.join(analyzeDir, 'testdata');
const { cases } = JSON.parse(readFileSync(path.join(analyzeDir, 'cases.json'), 'utf8'));
const istioTs = [process.execPath, path.join(root, 'bin/istio-ts.js')];

function run(cmd, args) {
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', TERM: 'dumb', KUBECONFIG: '/nonexistent' },
  });
  let msgs = [];
  try {
    msgs = JSON.parse(r.stdout || '[]');
  } catch {
    return { error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}` };
  }
  return { pairs: msgs.map((m) => `${m.code} ${m.origin}`) };
}

function multisetMinus(a, b) {
  const m = new Map();
  for (const x of b) m.set(x, (m.get(x) ?? 0) + 1);
  const out = [];
  for (const x of a) {
    const c = m.get(x) ?? 0;
    if (c > 0) m.set(x, c - 1);
    else out.push(x);
  }
  return out;
}

const inputs = [];
for (const c of cases) {
  if (c.multiCluster || c.clusterInputFiles || !c.inputFiles?.length) continue;
  const args = ['analyze', '--use-kube=false', '-A', '-o', 'json'];
  if (c.meshConfigFile) args.push('--meshConfigFile', path.join(td, c.meshConfigFile));
  args.push('--analyzer', c.analyzerName);
  inputs.push({ name: `case ${c.id}`, args: [...args, ...c.inputFiles.map((f) => path.join(td, f))] });
}
// Mesh config files (inputs to --meshConfigFile, not resources) are not analyzed alone.
const meshFiles = new Set(cases.map((c) => c.meshConfigFile).filter(Boolean));
for (const f of readdirSync(td, { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('common') && !meshFiles.has(f)).sort()) {
  inputs.push({ name: `file ${f}`, args: ['analyze', '--use-kube=false', '-A', '-o', 'json', path.join(td, f)] });
}

let istioctlPairs = 0;
let covered = 0;
let excused = 0;
let extra = 0;
const problems = [];
for (const input of inputs) {
  if (opt.only && !input.name.includes(opt.only)) continue;
  const want = run([opt.istioctl], input.args);
  const got = run(istioTs, input.args);
  if (want.error || got.error) {
    problems.push(`${input.name}: ${want.error ? `istioctl ${want.error}` : ''} ${got.error ? `istio-ts ${got.error}` : ''}`.trim());
    continue;
  }
  istioctlPairs += want.pairs.length;
  const missing = multisetMinus(want.pairs, got.pairs);
  const more = multisetMinus(got.pairs, want.pairs);
  extra += more.length;
  covered += want.pairs.length - missing.length;
  for (const m of missing) {
    const key = `${input.name.replace(/^(case|file) /, '')} ${m}`;
    if (ISTIOCTL_WRONG.has(key)) {
      excused++;
      console.log(`excused  ${input.name}: ${m} (${ISTIOCTL_WRONG.get(key)})`);
    } else {
      problems.push(`${input.name}: istioctl reports ${m}, istio-ts does not`);
    }
  }
  if (opt.verbose) for (const m of more) console.log(`extra    ${input.name}: ${m}`);
}
for (const p of problems) console.log(`MISSING  ${p}`);
console.log(
  `compare-istioctl: ${inputs.length} inputs; istioctl reported ${istioctlPairs} (code, origin) pairs, istio-ts reported ${covered} of them` +
    `${excused ? `, ${excused} excused (istioctl wrong)` : ''}; ${problems.length} missing; istio-ts reported ${extra} pairs istioctl did not`,
);
process.exit(problems.length ? 1 : 0);
