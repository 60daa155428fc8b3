import { asRecord, deepMerge } from '../../util/objects.js';
import type { ComponentName, GatewaySpec, RenderedObject, Tree } from '../types.js';
import { applyK8s, chartLabels, compact, imageRef, nonEmpty, obj, operatorLabels, revLabel, type RenderContext, vb, vs } from './common.js';

/** The istio-ingress / istio-egress charts, once per enabled gateway in components.*Gateways. */
export function renderGateways(ctx: RenderContext): RenderedObject[] {
  const out: RenderedObject[] = [];
  const comps = ctx.install.iop.spec.components ?? {};
  for (const gw of comps.ingressGateways ?? []) if (gw.enabled) out.push(...renderGateway(ctx, gw, 'ingress'));
  for (const gw of comps.egressGateways ?? []) if (gw.enabled) out.push(...renderGateway(ctx, gw, 'egress'));
  // values.gateways.istio-egressgateway.enabled=true turns the gateway on without a component entry
  // (the pre-IstioOperator Helm switch istioctl still honours).
  for (const [kind, key] of [['ingress', 'istio-ingressgateway'], ['egress', 'istio-egressgateway']] as const) {
    const list = kind === 'ingress' ? comps.ingressGateways : comps.egressGateways;
    const userEnabled = asRecord(asRecord(ctx.install.iop.spec.values?.gateways)[key]).enabled === true;
    if (userEnabled && !(list ?? []).some((g) => g.name === key && g.enabled)) out.push(...renderGateway(ctx, { name: key, enabled: true }, kind));
  }
  return out;
}

function renderGateway(ctx: RenderContext, gw: GatewaySpec, kind: 'ingress' | 'egress'): RenderedObject[] {
  const { values, revision: rev, namespace: istioNs } = ctx.install;
  const component: ComponentName = kind === 'ingress' ? 'IngressGateways' : 'EgressGateways';
  const chartKey = kind === 'ingress' ? 'istio-ingressgateway' : 'istio-egressgateway';
  const gwValues = deepMerge(asRecord(asRecord(values.gateways)[chartKey]), gw.name !== chartKey ? asRecord(asRecord(values.gateways)[gw.name]) : {}) as Tree;
  const name = gw.name;
  const ns = gw.namespace || istioNs;
  const selectorLabels: Record<string, string> = gw.label ?? (gw.name === chartKey ? (asRecord(gwValues.labels) as Record<string, string>) : { app: name, istio: chartKey.replace('istio-', '') });
  const chart = kind === 'ingress' ? 'istio-ingress' : 'istio-egress';
  const labels = { ...chartLabels(chart, name, selectorLabels), 'istio.io/rev': revLabel(rev), ...operatorLabels(component) };
  const sa = `${name}-service-account`;
  const istiod = `${rev ? `istiod-${rev}` : 'istiod'}.${istioNs}.svc:15012`;
  const ports = (gwValues.ports as Tree[] | undefined) ?? [];
  const out: RenderedObject[] = [];
  const o = (x: Parameters<typeof obj>[1]) => out.push(obj(component, compact(x)));
  const autoscale = vb(gwValues, 'autoscaleEnabled') && Number(gwValues.autoscaleMin) > 0;
  const sdsName = `${name}-sds`;

  o({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns, labels } });
  const fieldEnv = (n: string, path: string, api = true) => ({ name: n, valueFrom: { fieldRef: { ...(api ? { apiVersion: 'v1' } : {}), fieldPath: path } } });
  const env: Tree[] = [
    { name: 'PILOT_CERT_PROVIDER', value: vs(values, 'global', 'pilotCertProvider') },
    { name: 'CA_ADDR', value: vs(values, 'global', 'caAddress') || istiod },
    fieldEnv('NODE_NAME', 'spec.nodeName'),
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
    fieldEnv('INSTANCE_IP', 'status.podIP'),
    fieldEnv('HOST_IP', 'status.hostIP'),
    { name: 'ISTIO_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } } },
    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName', false),
    { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${name}` },
    { name: 'ISTIO_META_MESH_ID', value: vs(values, 'global', 'meshID') || 'cluster.local' },
    { name: 'TRUST_DOMAIN', value: vs(values, 'meshConfig', 'trustDomain') || 'cluster.local' },
    { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
    ...Object.entries(asRecord(gwValues.env)).map(([k, val]) => ({ name: k, value: String(val) })),
    { name: 'ISTIO_META_CLUSTER_ID', value: vs(values, 'global', 'multiCluster', 'clusterName') || 'Kubernetes' },
    fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName', false),
  ];
  const secretVolumes = (gwValues.secretVolumes as Tree[] | undefined) ?? [];
  const containerPorts: Tree[] = [
    ...ports.map((p) => ({ containerPort: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP' })),
    { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
  ];
  o({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { ...labels, 'istio.io/dataplane-mode': 'none' } },
    spec: {
      replicas: autoscale ? undefined : (gwValues.replicaCount ?? 1),
      selector: { matchLabels: selectorLabels },
      strategy: { rollingUpdate: { maxSurge: gwValues.rollingMaxSurge, maxUnavailable: gwValues.rollingMaxUnavailable } },
      template: {
        metadata: {
          annotations: {
            'istio.io/rev': revLabel(rev),
            'prometheus.io/path': '/stats/prometheus',
            'prometheus.io/port': '15020',
            'prometheus.io/scrape': 'true',
            'sidecar.istio.io/inject': 'false',
            ...asRecord(gwValues.podAnnotations),
          },
          labels: {
            ...labels,
            'istio.io/dataplane-mode': 'none',
            'service.istio.io/canonical-name': name,
            'service.istio.io/canonical-revision': 'latest',
            'sidecar.istio.io/inject': 'false',
          },
        },
        spec: {
          containers: [
            {
              args: [
                'proxy',
                'router',
                '--domain',
                `$(POD_NAMESPACE).svc.${vs(values, 'global', 'proxy', 'clusterDomain') || 'cluster.local'}`,
                `--proxyLogLevel=${vs(values, 'global', 'proxy', 'logLevel') || 'warning'}`,
                `--proxyComponentLogLevel=${vs(values, 'global', 'proxy', 'componentLogLevel') || 'misc:error'}`,
                `--log_output_level=${vs(values, 'global', 'logging', 'level') || 'default:info'}`,
              ],
              env,
              image: imageRef(values, {}, vs(values, 'global', 'proxy', 'image') || 'proxyv2'),
              imagePullPolicy: vs(values, 'global', 'imagePullPolicy') || undefined,
              name: 'istio-proxy',
              ports: containerPorts,
              readinessProbe: { failureThreshold: 30, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 2, successThreshold: 1, timeoutSeconds: 1 },
              resources: nonEmpty(gwValues.resources) ? gwValues.resources : undefined,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true },
              volumeMounts: [
                { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
                { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
                { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
                { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
                { mountPath: '/etc/istio/config', name: 'config-volume' },
                { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
                { mountPath: '/var/run/secrets/tokens', name: 'istio-token', readOnly: true },
                { mountPath: '/var/lib/istio/data', name: 'istio-data' },
                { mountPath: '/etc/istio/pod', name: 'podinfo' },
                ...secretVolumes.map((s) => ({ mountPath: s.mountPath, name: s.name, readOnly: true })),
              ],
            },
          ],
          nodeSelector: nonEmpty(gwValues.nodeSelector) ? gwValues.nodeSelector : undefined,
          // Gateways bind 8080/8443 as UID 1337; ports 80/443 live only on the Service.
          securityContext: vb(gwValues, 'runAsRoot') ? { runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 } : { runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
          serviceAccountName: sa,
          tolerations: nonEmpty(gwValues.tolerations) ? gwValues.tolerations : undefined,
          volumes: [
            { emptyDir: {}, name: 'workload-socket' },
            { emptyDir: {}, name: 'credential-socket' },
            { emptyDir: {}, name: 'workload-certs' },
            { configMap: { name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
            { downwardAPI: { items: [{ fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' }, { fieldRef: { fieldPath: 'metadata.annotations' }, path: 'annotations' }] }, name: 'podinfo' },
            { emptyDir: {}, name: 'istio-envoy' },
            { emptyDir: {}, name: 'istio-data' },
            { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: vs(values, 'global', 'sds', 'token', 'aud') || 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
            { configMap: { name: rev ? `istio-${rev}` : 'istio', optional: true }, name: 'config-volume' },
            ...secretVolumes.map((s) => ({ name: s.name, secret: { optional: true, secretName: s.secretName } })),
          ],
        },
      },
    },
  });
  // The gateway reads TLS secrets for Gateway credentialName through SDS in its own namespace.
  o({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: sdsName, namespace: ns, labels }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }] });
  o({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: sdsName, namespace: ns, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sdsName },
    subjects: [{ kind: 'ServiceAccount', name: sa }],
  });
  if (autoscale) {
    o({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: ns, labels },
      spec: {
        maxReplicas: gwValues.autoscaleMax,
        metrics: [{ resource: { name: 'cpu', target: { averageUtilization: asRecord(gwValues.cpu).targetAverageUtilization ?? 80, type: 'Utilization' } }, type: 'Resource' }],
        minReplicas: gwValues.autoscaleMin,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      },
    });
  }
  o({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, annotations: nonEmpty(gwValues.serviceAnnotations) ? (gwValues.serviceAnnotations as Record<string, string>) : undefined, labels },
    spec: {
      ports: ports.map((p) => compact({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort, nodePort: p.nodePort })),
      selector: selectorLabels,
      type: vs(gwValues, 'type') || 'ClusterIP',
    },
  });
  return applyK8s(out, gw, { kind: 'Deployment', name, container: 'istio-proxy', namespace: ns }, component, labels, selectorLabels);
}
