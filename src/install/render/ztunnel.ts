import { asRecord } from '../../util/objects.js';
import type { RenderedObject, Tree } from '../types.js';
import { applyK8s, chartLabels, compact, imageRef, nonEmpty, obj, operatorLabels, revLabel, type RenderContext, vs } from './common.js';

/** The ztunnel chart: the per-node ambient proxy DaemonSet and its ServiceAccount. */
export function renderZtunnel(ctx: RenderContext): RenderedObject[] {
  const { values, revision: rev, iop, namespace: istioNs } = ctx.install;
  const z = asRecord(values.ztunnel);
  const name = vs(z, 'resourceName') || 'ztunnel';
  const ns = iop.spec.components?.ztunnel?.namespace || istioNs;
  const istiod = `${rev ? `istiod-${rev}` : 'istiod'}.${istioNs}.svc:15012`;
  const labels = { ...chartLabels('ztunnel', 'ztunnel', { app: 'ztunnel' }), 'istio.io/rev': revLabel(rev), ...operatorLabels('Ztunnel') };
  const grace = Number(z.terminationGracePeriodSeconds ?? 30);
  const fieldEnv = (n: string, path: string) => ({ name: n, valueFrom: { fieldRef: { fieldPath: path } } });
  const out: RenderedObject[] = [
    obj('Ztunnel', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, labels } }),
    obj(
      'Ztunnel',
      compact({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name, namespace: ns, labels },
        spec: {
          selector: { matchLabels: { app: 'ztunnel' } },
          template: {
            metadata: {
              annotations: { 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false', ...asRecord(z.podAnnotations) },
              labels: { ...chartLabels('ztunnel', 'ztunnel', { app: 'ztunnel' }), 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' },
            },
            spec: {
              containers: [
                {
                  args: ['proxy', 'ztunnel'],
                  env: [
                    { name: 'CA_ADDRESS', value: vs(values, 'global', 'caAddress') || istiod },
                    { name: 'XDS_ADDRESS', value: istiod },
                    { name: 'RUST_LOG', value: vs(z, 'logLevel') || 'info' },
                    { name: 'RUST_BACKTRACE', value: '1' },
                    { name: 'ISTIO_META_CLUSTER_ID', value: vs(values, 'global', 'multiCluster', 'clusterName') || 'Kubernetes' },
                    // In-pod mode: istio-cni hands each pod's network namespace to ztunnel over a socket.
                    { name: 'INPOD_ENABLED', value: 'true' },
                    { name: 'TERMINATION_GRACE_PERIOD_SECONDS', value: String(grace) },
                    fieldEnv('POD_NAME', 'metadata.name'),
                    fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                    fieldEnv('NODE_NAME', 'spec.nodeName'),
                    fieldEnv('INSTANCE_IP', 'status.podIP'),
                    fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
                    { name: 'ISTIO_META_ENABLE_HBONE', value: 'true' },
                    { name: 'ZTUNNEL_CPU_LIMIT', valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } } },
                    ...Object.entries(asRecord(z.env)).map(([k, val]) => ({ name: k, value: String(val) })),
                  ],
                  image: imageRef(values, z, vs(z, 'image') || 'ztunnel'),
                  name: 'istio-proxy',
                  ports: [{ containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' }],
                  readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 } },
                  resources: nonEmpty(z.resources) ? z.resources : undefined,
                  securityContext: {
                    allowPrivilegeEscalation: true,
                    capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW'], drop: ['ALL'] },
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsGroup: 1337,
                    runAsNonRoot: false,
                    runAsUser: 0,
                  },
                  volumeMounts: [
                    { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
                    { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
                    { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' },
                    { mountPath: '/tmp', name: 'tmp' },
                  ],
                },
              ],
              nodeSelector: nonEmpty(z.nodeSelector) ? z.nodeSelector : undefined,
              priorityClassName: 'system-node-critical',
              serviceAccountName: name,
              terminationGracePeriodSeconds: grace,
              tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }, ...((z.tolerations as Tree[] | undefined) ?? [])],
              volumes: [
                { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
                { configMap: { name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
                { hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' }, name: 'cni-ztunnel-sock-dir' },
                { emptyDir: {}, name: 'tmp' },
              ],
            },
          },
          // maxUnavailable 0 + maxSurge 1: the new ztunnel takes over the node's pods before the old one exits.
          updateStrategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, type: 'RollingUpdate' },
        },
      }),
    ),
  ];
  return applyK8s(out, iop.spec.components?.ztunnel, { kind: 'DaemonSet', name, container: 'istio-proxy', namespace: ns }, 'Ztunnel', labels, { app: 'ztunnel' });
}
