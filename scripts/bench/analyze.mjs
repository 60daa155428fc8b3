// Offline analyze of a synthetic mesh of ~10,000 documents, against the time the YAML parser alone
// needs for the same files, plus CLI start-up time. Targets (issue: foundation): analyze <= 2x the
// YAML parse time, peak RSS < 600 MB, `--version` and a one-file analyze within 2.5x of `node -e 0`.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, fmt, measure, root } from './_lib.mjs';

const NAMESPACES = 100;
const SERVICES = 20;
const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-bench-mesh-'));
let docs = 0;
for (let n = 0; n < NAMESPACES; n++) {
  const ns = `team-${n}`;
  const out = [];
  const push = (s) => {
    out.push(s.trim());
    docs++;
  };
  push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    istio-injection: enabled`);
  push(`apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: ${ns}\nspec:\n  egress:\n  - hosts: ["./*", "istio-system/*"]`);
  push(`apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: ${ns}\nspec:\n  mtls:\n    mode: STRICT`);
  push(`apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw\n  namespace: ${ns}\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port: {number: 443, name: https-${n}, protocol: HTTPS}\n    hosts: ["${ns}.example.com"]\n    tls: {mode: SIMPLE, credentialName: ${ns}-cert}`);
  for (let e = 0; e < 10; e++) {
    push(`apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ext-${e}\n  namespace: ${ns}\nspec:\n  hosts: ["api-${e}.${ns}.partner.example.com"]\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports:\n  - {number: 443, name: https, protocol: TLS}`);
  }
  for (let s = 0; s < SERVICES; s++) {
    const app = `svc-${s}`;
    push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}-v1\n  namespace: ${ns}\n  labels: {app: ${app}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${app}, version: v1}\n  template:\n    metadata:\n      labels: {app: ${app}, version: v1}\n      annotations:\n        sidecar.istio.io/proxyCPU: 100m\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/${ns}/${app}:1.0.${s}\n        ports:\n        - containerPort: 8080\n        readinessProbe:\n          httpGet: {path: /healthz, port: 8080}`);
    push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  selector: {app: ${app}}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n  - {name: grpc-admin, port: 9090, targetPort: 9090}`);
    push(`apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  hosts: [${app}]\n  http:\n  - match:\n    - uri: {prefix: /v2}\n    route:\n    - destination: {host: ${app}, subset: v1, port: {number: 80}}\n      weight: 100\n    timeout: 5s\n    retries: {attempts: 3, perTryTimeout: 2s}\n  - route:\n    - destination: {host: ${app}, subset: v1, port: {number: 80}}`);
    push(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  host: ${app}\n  trafficPolicy:\n    connectionPool: {http: {http1MaxPendingRequests: 100}}\n    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}\n  subsets:\n  - name: v1\n    labels: {version: v1}`);
    if (s % 4 === 0) {
      push(`apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${app}-allow\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels: {app: ${app}}\n  action: ALLOW\n  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/${ns}/sa/default"]\n    to:\n    - operation: {methods: [GET, POST], paths: ["/api/*"]}`);
    }
  }
  writeFileSync(path.join(dir, `${ns}.yaml`), `${out.join('\n---\n')}\n`);
}
const bytes = readdirSync(dir).reduce((a, f) => a + readFileSync(path.join(dir, f)).length, 0);
console.log(`synthetic mesh: ${docs} documents, ${(bytes / 1e6).toFixed(1)} MB in ${NAMESPACES} files (${dir})`);

// The YAML parser alone, in a fresh process, on the same files (yaml's parseAllDocuments + toJS).
const parseScript = path.join(dir, '..', `istio-ts-bench-parse-${process.pid}.mjs`);
writeFileSync(
  parseScript,
  `import { readdirSync, readFileSync } from 'node:fs';\nimport path from 'node:path';\nimport { parseAllDocuments } from ${JSON.stringify(path.join(root, 'node_modules/yaml/dist/index.js'))};\nconst d = ${JSON.stringify(dir)};\nlet n = 0;\nfor (const f of readdirSync(d)) for (const doc of parseAllDocuments(readFileSync(path.join(d, f), 'utf8'))) { doc.toJS(); n++; }\nif (n === 0) process.exit(1);\n`,
);
const parse = measure(process.execPath, [parseScript], { runs: 3 });
const analyze = measure(process.execPath, [cli, 'analyze', '--use-kube=false', '-A', '-o', 'json', dir], { runs: 3 });
console.log(`yaml parse alone:   ${fmt(parse.ms, 'ms')} (peak RSS ${fmt(parse.rssMB, 'MB')})`);
console.log(`istio-ts analyze:   ${fmt(analyze.ms, 'ms')} (peak RSS ${fmt(analyze.rssMB, 'MB')}, exit ${analyze.status})`);
console.log(`analyze / parse:    ${(analyze.ms / parse.ms).toFixed(2)}x  (target <= 2x)`);
console.log(`peak RSS:           ${fmt(analyze.rssMB, 'MB')}  (target < 600 MB)`);

const one = path.join(dir, 'team-0.yaml');
const small = path.join(dir, 'one.yaml');
writeFileSync(small, readFileSync(one, 'utf8').split('\n---\n').slice(0, 3).join('\n---\n'));
const bare = measure(process.execPath, ['-e', '0'], { runs: 9 });
const version = measure(process.execPath, [cli, '--version'], { runs: 9 });
const oneFile = measure(process.execPath, [cli, 'analyze', small], { runs: 9 });
console.log(`node -e 0:          ${fmt(bare.ms, 'ms')}`);
console.log(`istio-ts --version: ${fmt(version.ms, 'ms')}  (${(version.ms / bare.ms).toFixed(2)}x, target <= 2.5x)`);
console.log(`one-file analyze:   ${fmt(oneFile.ms, 'ms')}  (${(oneFile.ms / bare.ms).toFixed(2)}x, target <= 2.5x)`);
rmSync(parseScript, { force: true });
rmSync(dir, { recursive: true, force: true });
