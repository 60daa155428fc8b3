// The generated mesh of the analyze rows: 100 namespaces x 20 services (Deployment, Service,
// VirtualService, DestinationRule, some AuthorizationPolicies) plus Gateways, ServiceEntries,
// Sidecars and PeerAuthentications: 9,900 documents in 100 files, 3.5 MB. Mostly well configured,
// like a real mesh: every tenth service's retries outlast its route timeout (200 ITS0010 findings,
// so the findings' file:line path is part of the row).
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes the mesh into `dir`; returns the document count and the files, in order. */
export function generateMesh(dir, { namespaces = 100, services = 20 } = {}) {
  const NAMESPACES = namespaces;
  const SERVICES = services;
  const files = [];
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
      push(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}-v1\n  namespace: ${ns}\n  labels: {app: ${app}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${app}, version: v1}\n  template:\n    metadata:\n      labels: {app: ${app}, version: v1}\n      annotations:\n        sidecar.istio.io/proxyCPU: 100m\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/${ns}/${app}:1.0.${s}\n        ports:\n        - containerPort: 8080\n        - containerPort: 9090\n        readinessProbe:\n          httpGet: {path: /healthz, port: 8080}`);
      push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  selector: {app: ${app}}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n  - {name: grpc-admin, port: 9090, targetPort: 9090}`);
      push(`apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  hosts: [${app}]\n  http:\n  - match:\n    - uri: {prefix: /v2}\n    route:\n    - destination: {host: ${app}, subset: v1, port: {number: 80}}\n      weight: 100\n    timeout: 5s\n    retries: {attempts: 3, perTryTimeout: ${s % 10 === 0 ? '2s' : '1s'}}\n  - route:\n    - destination: {host: ${app}, subset: v1, port: {number: 80}}`);
      push(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  host: ${app}\n  trafficPolicy:\n    connectionPool: {http: {http1MaxPendingRequests: 100}}\n    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}\n  subsets:\n  - name: v1\n    labels: {version: v1}`);
      if (s % 4 === 0) {
        push(`apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${app}-allow\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels: {app: ${app}}\n  action: ALLOW\n  rules:\n  - from:\n    - source:\n        principals: ["cluster.local/ns/${ns}/sa/default"]\n    to:\n    - operation: {methods: [GET, POST], paths: ["/api/*"]}`);
      }
    }
    files.push(path.join(dir, `${ns}.yaml`));
    writeFileSync(files[files.length - 1], `${out.join('\n---\n')}\n`);
  }
  return { docs, files };
}
