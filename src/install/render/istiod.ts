import { stringify } from 'yaml';
import type { K8sObject } from '../../resources/types.js';
import { asRecord, deepMerge } from '../../util/objects.js';
import type { RenderedObject, Tree } from '../types.js';
import { validationRule } from './base.js';
import {
  applyK8s, chartLabels, compact, imageRef, nonEmpty, obj, operatorLabels, revLabel, revName, type RenderContext, v, vb, vs,
} from './common.js';

const READ = ['get', 'list', 'watch'];
const ALL = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const ISTIO_GROUPS = ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io', 'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];

/** What every part of the istio-discovery chart reads: the values, names and labels of this revision. */
interface Istiod {
  readonly ctx: RenderContext;
  readonly values: Tree;
  readonly pilot: Tree;
  readonly ns: string;
  readonly rev: RenderContext['install']['revision'];
  /** istiod, or istiod-<rev>: the Deployment, Service, ServiceAccount and Role name. */
  readonly name: string;
  /** istiodRemote.enabled: a remote cluster, whose istiod runs elsewhere. */
  readonly remote: boolean;
  /** The chart's labels plus `extra`. */
  labels(extra?: Record<string, string>): Record<string, string>;
  readonly revLabels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** -<rev>-<namespace> (or -<namespace>): suffix of the cluster-scoped names. */
  readonly clusterSuffix: string;
}

/** The istio-discovery chart: istiod, its RBAC, mesh ConfigMap, injector ConfigMap and webhooks. */
export function renderIstiod(ctx: RenderContext): RenderedObject[] {
  const { values, namespace: ns, revision: rev, iop } = ctx.install;
  const name = revName('istiod', rev);
  const d: Istiod = {
    ctx,
    values,
    pilot: asRecord(values.pilot),
    ns,
    rev,
    name,
    remote: vb(values, 'istiodRemote', 'enabled'),
    labels: (extra = {}) => ({ ...chartLabels('istiod', 'istiod', extra), ...operatorLabels('Pilot') }),
    revLabels: { 'istio.io/rev': revLabel(rev) },
    selector: { app: 'istiod', istio: 'pilot', ...(rev ? { 'istio.io/rev': rev } : {}) },
    clusterSuffix: `${rev ? `-${rev}` : ''}-${ns}`,
  };
  const pilotObjects = (trees: readonly (K8sObject | undefined)[]) => trees.filter((t) => t !== undefined).map((t) => obj('Pilot', compact(t)));
  const istiodHost = vs(values, 'global', 'remotePilotAddress') && d.remote ? vs(values, 'global', 'remotePilotAddress') : `${name}.${ns}.svc`;
  const out: RenderedObject[] = pilotObjects([
    ...rbac(d),
    validatingWebhook(d),
    ...configMaps(d, istiodHost),
    mutatingWebhook(values, ns, rev, name, d.labels({ app: 'sidecar-injector', ...d.revLabels })),
  ]);
  if (d.remote) {
    const addr = vs(values, 'global', 'remotePilotAddress');
    if (addr) out.push(...remoteIstiodService(addr, ns, name, d.labels({ app: 'istiod', istio: 'pilot', ...d.revLabels })));
    return out;
  }
  const autoscale = vb(d.pilot, 'autoscaleEnabled') && Number(d.pilot.autoscaleMin) > 0 && Number(d.pilot.autoscaleMax) > 0;
  out.push(
    ...pilotObjects([
      istiodDeployment(values, d.pilot, ns, rev, name, d.labels({ app: 'istiod', istio: 'pilot', ...d.revLabels }), d.selector, autoscale),
      ...istiodRole(d),
      autoscale ? autoscaler(d) : undefined,
      disruptionBudget(d, autoscale),
      istiodService(d),
    ]),
  );
  return applyK8s(out, iop.spec.components?.pilot, { kind: 'Deployment', name, container: 'discovery', namespace: ns }, 'Pilot', d.labels({ app: 'istiod', ...d.revLabels }), d.selector);
}

/**
 * Cluster roles and their bindings, and istiod's ServiceAccount. The reader role exists in remote
 * clusters too: the primary's istiod reads them through it.
 */
function rbac(d: Istiod): K8sObject[] {
  const out: K8sObject[] = [];
  const roles: [string, string, Tree[], string][] = [[`istio-reader-clusterrole${d.clusterSuffix}`, 'istio-reader', readerRules(), 'istio-reader-service-account']];
  if (!d.remote) {
    roles.push([`istiod-clusterrole${d.clusterSuffix}`, 'istiod', istiodRules(), d.name]);
    roles.push([`istiod-gateway-controller${d.clusterSuffix}`, 'istiod', gatewayControllerRules(), d.name]);
    out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: d.name, namespace: d.ns, labels: d.labels({ app: 'istiod' }) } });
  }
  for (const [crName, app, rules, sa] of roles) {
    const l = { ...chartLabels('istiod', app, { app }), ...operatorLabels('Pilot') };
    out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: crName, labels: l }, rules });
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: crName, labels: l },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: crName },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: d.ns }],
    });
  }
  return out;
}

/**
 * validatingwebhookconfiguration.yaml: a remote cluster (istiodRemote) has no validator unless
 * it is also the config cluster or runs a local injector istiod.
 */
function validatingWebhook(d: Istiod): K8sObject | undefined {
  const { values } = d;
  const validatorHere = !d.remote || vb(values, 'global', 'configCluster') || vb(values, 'istiodRemote', 'enabledLocalInjectorIstiod');
  if (!validatorHere || !vb(values, 'global', 'configValidation')) return undefined;
  const url = vs(values, 'base', 'validationURL');
  const ca = vs(values, 'base', 'validationCABundle');
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: `istio-validator${d.clusterSuffix}`, labels: d.labels({ app: 'istiod', istio: 'istiod', ...d.revLabels }) },
    webhooks: [
      {
        admissionReviewVersions: ['v1'],
        clientConfig: url ? { url, caBundle: ca || undefined } : { service: { name: d.name, namespace: d.ns, path: '/validate' }, caBundle: ca || undefined },
        // Ignore: the revision-specific validator must not block writes while istiod restarts.
        failurePolicy: 'Ignore',
        name: 'rev.validation.istio.io',
        objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [revLabel(d.rev)] }] },
        rules: [validationRule()],
        sideEffects: 'None',
      },
    ],
  };
}

/** The mesh config (istio), the injector's (istio-sidecar-injector) and the rendered values (values). */
function configMaps(d: Istiod, istiodHost: string): K8sObject[] {
  const { values, ns, rev } = d;
  const out: K8sObject[] = [];
  if (values.configMap !== false) {
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: revName('istio', rev), namespace: ns, labels: d.labels(d.revLabels) },
      data: { mesh: meshConfigYaml(values, ns, istiodHost), meshNetworks: stringify({ networks: v(values, 'global', 'meshNetworks') ?? {} }, { sortMapEntries: true }).trimEnd() },
    });
  }
  if (!vb(values, 'global', 'omitSidecarInjectorConfigMap') && d.ctx.injector) {
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: revName('istio-sidecar-injector', rev), namespace: ns, labels: d.labels(d.revLabels) },
      data: d.ctx.injector(values),
    });
  }
  out.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: revName('values', rev),
      namespace: ns,
      annotations: {
        'kubernetes.io/description':
          'This ConfigMap contains the Helm values used during chart rendering. This ConfigMap is rendered for debugging purposes and external tooling; modifying these values has no effect.',
      },
      labels: d.labels(d.revLabels),
    },
    data: { 'merged-values': JSON.stringify(sortKeys(values), null, 2), 'original-values': JSON.stringify(sortKeys(d.ctx.install.iop.spec.values ?? {}), null, 2) },
  });
  return out;
}

/** The namespaced Role istiod needs (gateways, its secrets, leader election) and its binding. */
function istiodRole(d: Istiod): K8sObject[] {
  const { name, ns } = d;
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name, namespace: ns, labels: d.labels({ app: 'istiod' }) },
      rules: [
        { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: ['create'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get', 'watch', 'list', 'update', 'delete'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update', 'patch', 'create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace: ns, labels: d.labels({ app: 'istiod' }) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    },
  ];
}

/** pilot.autoscaleEnabled: the HorizontalPodAutoscaler on CPU and/or memory utilization. */
function autoscaler(d: Istiod): K8sObject {
  const { pilot, name } = d;
  const metrics: Tree[] = [];
  const cpu = v(pilot, 'cpu', 'targetAverageUtilization');
  const mem = v(pilot, 'memory', 'targetAverageUtilization');
  if (cpu) metrics.push({ resource: { name: 'cpu', target: { averageUtilization: cpu, type: 'Utilization' } }, type: 'Resource' });
  if (mem) metrics.push({ resource: { name: 'memory', target: { averageUtilization: mem, type: 'Utilization' } }, type: 'Resource' });
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: d.ns, labels: d.labels({ app: 'istiod', ...d.revLabels }) },
    spec: {
      behavior: nonEmpty(pilot.autoscaleBehavior) ? pilot.autoscaleBehavior : undefined,
      maxReplicas: pilot.autoscaleMax,
      metrics,
      minReplicas: pilot.autoscaleMin,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
    },
  };
}

/**
 * A PDB with minAvailable 1 on a single replica blocks node drains, so the chart only adds it
 * when more than one istiod can run.
 */
function disruptionBudget(d: Istiod, autoscale: boolean): K8sObject | undefined {
  const { pilot } = d;
  const replicas = autoscale ? Number(pilot.autoscaleMin) : Number(pilot.replicaCount ?? 1);
  if (!vb(d.values, 'global', 'defaultPodDisruptionBudget', 'enabled') || replicas <= 1) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: d.name, namespace: d.ns, labels: d.labels({ app: 'istiod', istio: 'pilot', ...d.revLabels }) },
    spec: { minAvailable: v(pilot, 'pdb', 'minAvailable') ?? 1, selector: { matchLabels: d.selector } },
  };
}

/** The istiod Service: xDS (15010), xDS over TLS/DNS (15012), the webhooks (443 → 15017), monitoring (15014). */
function istiodService(d: Istiod): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: d.name,
      namespace: d.ns,
      annotations: nonEmpty(d.pilot.serviceAnnotations) ? (d.pilot.serviceAnnotations as Record<string, string>) : undefined,
      labels: d.labels({ app: 'istiod', istio: 'pilot', ...d.revLabels }),
    },
    spec: {
      ports: [
        { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
        { name: 'https-dns', port: 15012, protocol: 'TCP' },
        { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
        { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
      ],
      selector: d.selector,
    },
  };
}

function meshConfigYaml(values: Tree, ns: string, istiodHost: string): string {
  const base: Tree = {
    defaultConfig: { discoveryAddress: `${istiodHost}:15012` },
    enablePrometheusMerge: true,
    rootNamespace: ns,
    trustDomain: 'cluster.local',
  };
  if (vb(values, 'telemetry', 'enabled') && vb(values, 'telemetry', 'v2', 'prometheus', 'enabled')) base.defaultProviders = { metrics: ['prometheus'] };
  const mesh = deepMerge(base, values.meshConfig ?? {});
  return stringify(mesh, { sortMapEntries: true }).trimEnd();
}

function mutatingWebhook(values: Tree, ns: string, rev: string, svcName: string, labels: Record<string, string>): K8sObject {
  const url = vs(values, 'istiodRemote', 'injectionURL');
  const ca = vs(values, 'istiodRemote', 'injectionCABundle');
  const path = vs(values, 'istiodRemote', 'injectionPath') || '/inject';
  // With injectionURL the API server calls the URL directly: this is how an istiod running outside
  // the cluster (or on the host, in tests) serves injection.
  const clientConfig = url ? { url, caBundle: ca || undefined } : { service: { name: svcName, namespace: ns, path, port: 443 }, caBundle: ca || undefined };
  const core = (name: string, namespaceSelector: Tree, objectSelector: Tree): Tree => ({
    admissionReviewVersions: ['v1'],
    clientConfig,
    failurePolicy: 'Fail',
    name,
    namespaceSelector,
    objectSelector,
    reinvocationPolicy: vs(values, 'sidecarInjectorWebhook', 'reinvocationPolicy') || 'Never',
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
    sideEffects: 'None',
  });
  const notFalse = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
  const revIn = { key: 'istio.io/rev', operator: 'In', values: [revLabel(rev)] };
  const webhooks: Tree[] = [
    core('rev.namespace.sidecar-injector.istio.io', { matchExpressions: [revIn, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [notFalse] }),
    core(
      'rev.object.sidecar-injector.istio.io',
      { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
      { matchExpressions: [notFalse, revIn] },
    ),
  ];
  // The istio-injection=enabled label and the sidecar.istio.io/inject=true pod label belong to the
  // default revision only; a revisioned control plane answers just istio.io/rev=<rev>.
  if (!rev) {
    webhooks.push(
      core('namespace.sidecar-injector.istio.io', { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] }, { matchExpressions: [notFalse] }),
      core(
        'object.sidecar-injector.istio.io',
        { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] },
        { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] },
      ),
    );
  }
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: `istio-sidecar-injector${rev ? `-${rev}` : ''}${ns === 'istio-system' ? '' : `-${ns}`}`, labels },
    webhooks,
  };
}

function istiodDeployment(values: Tree, pilot: Tree, ns: string, rev: string, name: string, labels: Record<string, string>, selector: Record<string, string>, autoscale: boolean): K8sObject {
  const env: Tree[] = [
    { name: 'REVISION', value: revLabel(rev) },
    { name: 'PILOT_CERT_PROVIDER', value: vs(values, 'global', 'pilotCertProvider') },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.serviceAccountName' } } },
    { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
    // ztunnel asks istiod for certificates of other pods on its node; istiod trusts only this account.
    { name: 'CA_TRUSTED_NODE_ACCOUNTS', value: `${vs(pilot, 'trustedZtunnelNamespace') || ns}/${vs(pilot, 'trustedZtunnelName') || vs(values, 'ztunnel', 'resourceName') || 'ztunnel'}` },
  ];
  for (const [k, val] of Object.entries(asRecord(pilot.env)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    env.push({ name: k, value: String(val) });
  }
  for (const e of (pilot.envVarFrom as Tree[] | undefined) ?? []) env.push(e);
  if (pilot.traceSampling !== undefined) env.push({ name: 'PILOT_TRACE_SAMPLING', value: String(pilot.traceSampling) });
  env.push({ name: 'PILOT_ENABLE_ANALYSIS', value: String(vb(values, 'global', 'istiod', 'enableAnalysis')) });
  env.push({ name: 'CLUSTER_ID', value: vs(values, 'global', 'multiCluster', 'clusterName') || 'Kubernetes' });
  env.push({ name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } } });
  env.push({ name: 'PLATFORM', value: vs(values, 'global', 'platform') });
  const podLabels = { ...labels, ...asRecord(pilot.podLabels), 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' } as Record<string, string>;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { ...labels, ...(asRecord(pilot.deploymentLabels) as Record<string, string>) } },
    spec: {
      replicas: autoscale ? undefined : pilot.replicaCount,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: pilot.rollingMaxSurge, maxUnavailable: pilot.rollingMaxUnavailable } },
      template: {
        metadata: {
          annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false', ...asRecord(pilot.podAnnotations) },
          labels: podLabels,
        },
        spec: {
          affinity: nonEmpty(pilot.affinity) ? pilot.affinity : undefined,
          containers: [
            {
              args: [
                'discovery',
                '--monitoringAddr=:15014',
                `--log_output_level=${vs(values, 'global', 'logging', 'level') || 'default:info'}`,
                ...(vb(values, 'global', 'logAsJson') ? ['--log_as_json'] : []),
                '--domain',
                vs(values, 'global', 'proxy', 'clusterDomain') || 'cluster.local',
                '--keepaliveMaxServerConnectionAge',
                vs(pilot, 'keepaliveMaxServerConnectionAge') || '30m',
                ...((pilot.extraContainerArgs as string[] | undefined) ?? []),
              ],
              env,
              image: imageRef(values, pilot, vs(pilot, 'image') || 'pilot'),
              imagePullPolicy: vs(values, 'global', 'imagePullPolicy') || undefined,
              name: 'discovery',
              ports: [
                { containerPort: 8080, name: 'http-debug', protocol: 'TCP' },
                { containerPort: 15010, name: 'grpc-xds', protocol: 'TCP' },
                { containerPort: 15012, name: 'tls-xds', protocol: 'TCP' },
                { containerPort: 15017, name: 'https-webhooks', protocol: 'TCP' },
                { containerPort: 15014, name: 'http-monitoring', protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
              resources: nonEmpty(pilot.resources) ? pilot.resources : undefined,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
              volumeMounts: [
                { mountPath: '/var/run/secrets/tokens', name: 'istio-token', readOnly: true },
                { mountPath: '/var/run/secrets/istio-dns', name: 'local-certs' },
                { mountPath: '/etc/cacerts', name: 'cacerts', readOnly: true },
                { mountPath: '/var/run/secrets/remote', name: 'istio-kubeconfig', readOnly: true },
                { mountPath: '/var/run/secrets/istiod/tls', name: 'istio-csr-dns-cert', readOnly: true },
                { mountPath: '/var/run/secrets/istiod/ca', name: 'istio-csr-ca-configmap', readOnly: true },
                ...((pilot.volumeMounts as Tree[] | undefined) ?? []),
              ],
            },
          ],
          nodeSelector: nonEmpty(pilot.nodeSelector) ? pilot.nodeSelector : undefined,
          priorityClassName: vs(values, 'global', 'priorityClassName') || undefined,
          serviceAccountName: name,
          // istiod must start before istio-cni is ready on a node, or ambient/CNI nodes never get config.
          tolerations: [{ key: 'cni.istio.io/not-ready', operator: 'Exists' }, ...((pilot.tolerations as Tree[] | undefined) ?? [])],
          topologySpreadConstraints: nonEmpty(pilot.topologySpreadConstraints) ? pilot.topologySpreadConstraints : undefined,
          volumes: [
            { emptyDir: { medium: 'Memory' }, name: 'local-certs' },
            { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: vs(values, 'global', 'sds', 'token', 'aud') || 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
            { name: 'cacerts', secret: { optional: true, secretName: 'cacerts' } },
            { name: 'istio-kubeconfig', secret: { optional: true, secretName: 'istio-kubeconfig' } },
            { name: 'istio-csr-dns-cert', secret: { optional: true, secretName: 'istiod-tls' } },
            { configMap: { defaultMode: 420, name: 'istio-ca-root-cert', optional: true }, name: 'istio-csr-ca-configmap' },
            ...((pilot.volumes as Tree[] | undefined) ?? []),
          ],
        },
      },
    },
  };
}

/** A selector-less Service + EndpointSlice so in-cluster clients reach a remote istiod by its usual name. */
function remoteIstiodService(addr: string, ns: string, name: string, labels: Record<string, string>): RenderedObject[] {
  const isIP = /^[0-9.]+$|:/.test(addr);
  const ports = [
    { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
    { name: 'tls-xds', port: 15012, protocol: 'TCP' },
    { name: 'tls-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
    { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
  ];
  const out: RenderedObject[] = [
    obj('Pilot', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels },
      spec: isIP ? { ports, clusterIP: 'None' } : { type: 'ExternalName', externalName: addr, ports },
    }),
  ];
  if (isIP) {
    out.push(
      obj('Pilot', {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name, namespace: ns, labels: { ...labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'istio.io' } },
        addressType: addr.includes(':') ? 'IPv6' : 'IPv4',
        endpoints: [{ addresses: [addr] }],
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
          { name: 'tls-xds', port: 15012, protocol: 'TCP' },
          { name: 'tls-webhook', port: 15017, protocol: 'TCP' },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
        ],
      }),
    );
  }
  return out;
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.keys(x as Tree).sort().map((k) => [k, sortKeys((x as Tree)[k])]));
}

function readerRules(): Tree[] {
  return [
    { apiGroups: ISTIO_GROUPS, resources: ['*'], verbs: READ },
    { apiGroups: [''], resources: ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets', 'configmaps'], verbs: READ },
    { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: ['get', 'watch', 'list'] },
    { apiGroups: ['networking.x-k8s.io', 'gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'watch', 'list'] },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
    { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
    { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceimports'], verbs: READ },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  ];
}

function istiodRules(): Tree[] {
  return [
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['get', 'list', 'watch', 'update'] },
    { apiGroups: ISTIO_GROUPS, resources: ['*'], verbs: ['get', 'watch', 'list'] },
    { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: ALL },
    { apiGroups: ['networking.istio.io'], resources: ['workloadentries/status', 'serviceentries/status'], verbs: ALL },
    { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies/status'], verbs: ALL },
    { apiGroups: [''], resources: ['services/status'], verbs: ALL },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ },
    { apiGroups: [''], resources: ['pods', 'nodes', 'services', 'namespaces', 'endpoints'], verbs: READ },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'], verbs: READ },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['*'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'watch', 'update'] },
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    { apiGroups: ['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'], resources: ['*'], verbs: ['get', 'watch', 'list'] },
    { apiGroups: ['gateway.networking.x-k8s.io'], resources: ['xbackendtrafficpolicies/status'], verbs: ['update', 'patch'] },
    {
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['backendtlspolicies/status', 'gatewayclasses/status', 'gateways/status', 'grpcroutes/status', 'httproutes/status', 'referencegrants/status', 'tcproutes/status', 'tlsroutes/status', 'udproutes/status', 'listenersets/status'],
      verbs: ['update', 'patch'],
    },
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['gatewayclasses'], verbs: ['create', 'update', 'patch', 'delete'] },
    { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: ['get', 'watch', 'list'] },
    { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools/status'], verbs: ['update', 'patch'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] },
    { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceexports'], verbs: ['get', 'watch', 'list', 'create', 'delete'] },
    { apiGroups: ['multicluster.x-k8s.io'], resources: ['serviceimports'], verbs: ['get', 'watch', 'list'] },
  ];
}

function gatewayControllerRules(): Tree[] {
  return [
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ALL },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ALL },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ALL },
    { apiGroups: [''], resources: ['services'], verbs: ALL },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ALL },
  ];
}
