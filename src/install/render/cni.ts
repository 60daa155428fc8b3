import { asRecord } from '../../util/objects.js';
import type { RenderedObject, Tree } from '../types.js';
import { applyK8s, chartLabels, compact, imageRef, nonEmpty, obj, operatorLabels, revLabel, type RenderContext, vb, vs } from './common.js';

/** The istio-cni chart: node agent DaemonSet, its config, and RBAC for repair and ambient enrollment. */
export function renderCni(ctx: RenderContext): RenderedObject[] {
  const { values, revision: rev, iop } = ctx.install;
  const cni = asRecord(values.cni);
  const ns = iop.spec.components?.cni?.namespace || ctx.install.namespace;
  const ambient = vb(cni, 'ambient', 'enabled');
  const repair = vb(cni, 'repair', 'enabled');
  const labels = { ...chartLabels('cni', 'istio-cni', { 'k8s-app': 'istio-cni-node' }), 'istio.io/rev': revLabel(rev), ...operatorLabels('Cni') };
  const out: RenderedObject[] = [];
  const o = (x: Parameters<typeof obj>[1]) => out.push(obj('Cni', compact(x)));
  o({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istio-cni', namespace: ns, labels } });
  const roles: [string, Tree[]][] = [
    ['istio-cni', [{ apiGroups: [''], resources: ['pods', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] }]],
  ];
  if (repair) {
    roles.push([
      'istio-cni-repair-role',
      [
        { apiGroups: [''], resources: ['pods'], verbs: ['watch', 'get', 'list'] },
        // Pod repair deletes or relabels pods that started before the node agent was ready.
        ...(vb(cni, 'repair', 'deletePods') ? [{ apiGroups: [''], resources: ['pods'], verbs: ['delete'] }] : []),
        ...(vb(cni, 'repair', 'labelPods') ? [{ apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] }] : []),
      ],
    ]);
  }
  if (ambient) roles.push(['istio-cni-ambient', [{ apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] }]]);
  for (const [name, rules] of roles) {
    o({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules });
    const binding = name === 'istio-cni-repair-role' ? 'istio-cni-repair-rolebinding' : name;
    o({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: binding, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: 'istio-cni', namespace: ns }],
    });
  }
  o({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-cni-config', namespace: ns, labels },
    data: {
      AMBIENT_ENABLED: String(ambient),
      AMBIENT_DNS_CAPTURE: String(vb(cni, 'ambient', 'dnsCapture')),
      AMBIENT_IPV6: String(vb(cni, 'ambient', 'ipv6')),
      CHAINED_CNI_PLUGIN: String(cni.chained !== false),
      CNI_CONF_NAME: vs(cni, 'cniConfFileName'),
      CNI_NET_DIR: '/etc/cni/net.d',
      CURRENT_AGENT_VERSION: vs(values, 'global', 'tag'),
      EXCLUDE_NAMESPACES: ((cni.excludeNamespaces as string[] | undefined) ?? []).join(','),
      LOG_LEVEL: vs(cni, 'logging', 'level') || 'info',
      MONITORING_PORT: '15014',
      REPAIR_ENABLED: String(repair),
      REPAIR_DELETE_PODS: String(vb(cni, 'repair', 'deletePods')),
      REPAIR_LABEL_PODS: String(vb(cni, 'repair', 'labelPods')),
      REPAIR_REPAIR_PODS: String(vb(cni, 'repair', 'repairPods')),
    },
  });
  const podLabels = { ...chartLabels('cni', 'istio-cni', { 'k8s-app': 'istio-cni-node' }), 'istio.io/dataplane-mode': 'none', 'sidecar.istio.io/inject': 'false' };
  const fieldEnv = (n: string, path: string) => ({ name: n, valueFrom: { fieldRef: { fieldPath: path } } });
  o({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'istio-cni-node', namespace: ns, labels },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'istio-cni-node' } },
      template: {
        metadata: {
          annotations: {
            // The installer must write to host paths that AppArmor profiles deny.
            'container.apparmor.security.beta.kubernetes.io/install-cni': 'unconfined',
            'prometheus.io/path': '/metrics',
            'prometheus.io/port': '15014',
            'prometheus.io/scrape': 'true',
            'sidecar.istio.io/inject': 'false',
            ...asRecord(cni.podAnnotations),
          },
          labels: podLabels,
        },
        spec: {
          containers: [
            {
              args: [`--log_output_level=${vs(cni, 'logging', 'level') || 'info'}`],
              command: ['install-cni'],
              env: [
                fieldEnv('REPAIR_NODE_NAME', 'spec.nodeName'),
                { name: 'REPAIR_RUN_AS_DAEMON', value: 'true' },
                { name: 'REPAIR_SIDECAR_ANNOTATION', value: 'sidecar.istio.io/status' },
                { name: 'ALLOW_SWITCH_TO_HOST_NS', value: 'true' },
                { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
                { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.memory' } } },
                { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } } },
                fieldEnv('POD_NAME', 'metadata.name'),
                fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
                ...Object.entries(asRecord(cni.env)).map(([k, val]) => ({ name: k, value: String(val) })),
              ],
              envFrom: [{ configMapRef: { name: 'istio-cni-config' } }],
              image: imageRef(values, cni, vs(cni, 'image') || 'install-cni'),
              name: 'install-cni',
              ports: [{ containerPort: 15014, name: 'metrics', protocol: 'TCP' }],
              readinessProbe: { httpGet: { path: '/readyz', port: 8000 } },
              resources: nonEmpty(cni.resources) ? cni.resources : undefined,
              securityContext: {
                capabilities: { add: ['NET_ADMIN', 'NET_RAW', 'SYS_PTRACE', 'SYS_ADMIN', 'DAC_OVERRIDE'], drop: ['ALL'] },
                privileged: vb(cni, 'privileged'),
                runAsGroup: 0,
                runAsNonRoot: false,
                runAsUser: 0,
                seLinuxOptions: nonEmpty(cni.seLinuxOptions) ? cni.seLinuxOptions : undefined,
              },
              volumeMounts: [
                { mountPath: '/host/opt/cni/bin', name: 'cni-bin-dir' },
                { mountPath: '/host/proc', name: 'cni-host-procfs', readOnly: true },
                { mountPath: '/host/etc/cni/net.d', name: 'cni-net-dir' },
                { mountPath: '/var/run/istio-cni', name: 'cni-socket-dir' },
                ...(ambient ? [{ mountPath: '/host/var/run/netns', mountPropagation: 'HostToContainer', name: 'cni-netns-dir' }, { mountPath: '/var/run/ztunnel', name: 'cni-ztunnel-sock-dir' }] : []),
              ],
            },
          ],
          nodeSelector: nonEmpty(cni.nodeSelector) ? cni.nodeSelector : undefined,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'istio-cni',
          terminationGracePeriodSeconds: 30,
          // The node agent must run on every node, tainted or not, or pods there get no redirection.
          tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }, ...((cni.tolerations as Tree[] | undefined) ?? [])],
          volumes: [
            { hostPath: { path: vs(cni, 'cniBinDir') || '/opt/cni/bin' }, name: 'cni-bin-dir' },
            { hostPath: { path: '/proc', type: 'Directory' }, name: 'cni-host-procfs' },
            ...(ambient ? [{ hostPath: { path: '/var/run/ztunnel', type: 'DirectoryOrCreate' }, name: 'cni-ztunnel-sock-dir' }] : []),
            { hostPath: { path: vs(cni, 'cniConfDir') || '/etc/cni/net.d' }, name: 'cni-net-dir' },
            { hostPath: { path: '/var/run/istio-cni' }, name: 'cni-socket-dir' },
            { hostPath: { path: vs(cni, 'cniNetnsDir') || '/var/run/netns', type: 'DirectoryOrCreate' }, name: 'cni-netns-dir' },
          ],
        },
      },
      updateStrategy: { rollingUpdate: { maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
  });
  return applyK8s(out, iop.spec.components?.cni, { kind: 'DaemonSet', name: 'istio-cni-node', container: 'install-cni', namespace: ns }, 'Cni', labels, { 'k8s-app': 'istio-cni-node' });
}
