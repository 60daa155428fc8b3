import { defineAnalyzer } from '../../analysis/types.js';

/** API versions Kubernetes stopped serving (kubernetes.io deprecation guide). */
const REMOVED: readonly { kinds: readonly string[]; apiVersions: readonly string[]; removedIn: string; replacement: string }[] = [
  { kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], apiVersions: ['extensions/v1beta1'], removedIn: '1.16', replacement: 'apps/v1' },
  { kinds: ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'], apiVersions: ['apps/v1beta1', 'apps/v1beta2'], removedIn: '1.16', replacement: 'apps/v1' },
  { kinds: ['Ingress'], apiVersions: ['extensions/v1beta1', 'networking.k8s.io/v1beta1'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  {
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    apiVersions: ['admissionregistration.k8s.io/v1beta1'],
    removedIn: '1.22',
    replacement: 'admissionregistration.k8s.io/v1',
  },
  { kinds: ['CustomResourceDefinition'], apiVersions: ['apiextensions.k8s.io/v1beta1'], removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  { kinds: ['CronJob'], apiVersions: ['batch/v1beta1', 'batch/v2alpha1'], removedIn: '1.25', replacement: 'batch/v1' },
];

const KINDS = [...new Set(REMOVED.flatMap((r) => r.kinds))].sort();

export const apiVersionAnalyzer = defineAnalyzer({
  name: 'workload.ApiVersionAnalyzer',
  description: 'Checks that workloads and cluster objects do not use API versions Kubernetes no longer serves',
  inputs: [],
  optionalInputs: KINDS,
  messages: ['RemovedApiVersion'],
  analyze(ctx) {
    for (const kind of KINDS) {
      for (const r of ctx.snapshot.list(kind)) {
        if (r.synthetic) continue;
        const hit = REMOVED.find((x) => x.kinds.includes(r.object.kind) && x.apiVersions.includes(r.apiVersion));
        if (!hit) continue;
        ctx.report({ resource: r, message: 'RemovedApiVersion', args: [r.apiVersion, r.object.kind, hit.removedIn, hit.replacement], path: ['apiVersion'] });
      }
    }
  },
});
