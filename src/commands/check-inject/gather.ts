/**
 * Collects check-inject's inputs from files (-f) or from the cluster: the webhook
 * configurations, the pods to evaluate with their namespaces, and each revision's injector policy.
 */
import { ExitCode, UserError } from '../../cli/errors.js';
import { injectorPolicies, namespaceLabels, podTemplateOf, subjectOf, webhookConfigurationOf, WORKLOAD_API_VERSIONS, type Target } from '../../inject/check.js';
import { DEFAULT_INJECTOR_POLICY, isIstioWebhook, type InjectionSubject, type InjectorPolicy, type WebhookConfiguration } from '../../inject/policy.js';
import { revisionSuffix } from '../../inject/cluster.js';
import type { KubeClient } from '../../kube/types.js';
import { kindOf, withHint } from '../../util/errors.js';
import { loadInputs } from '../../resources/loader.js';
import { isPlainObject } from '../../util/objects.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (isPlainObject(v) ? v : {});

export interface TargetInput {
  kind: string;
  name: string;
  namespace: string;
  subject: InjectionSubject;
  /** For existing pods: whether they carry a sidecar now (sidecar.istio.io/status), and from which revision. */
  current?: { injected: boolean; revision?: string };
}

export interface Gathered {
  webhooks: WebhookConfiguration[];
  targets: TargetInput[];
  policyFor: (revision: string) => InjectorPolicy;
  /** Lines for stderr: assumptions made for missing inputs (grows while policyFor is used). */
  notes: string[];
}

export interface Selection {
  target?: Target;
  labels?: Record<string, string>;
  /** -n, if given. */
  namespace?: string;
}

function currentState(obj: Obj): TargetInput['current'] {
  if (obj.kind !== 'Pod') return undefined;
  const status = rec(rec(obj.metadata).annotations)['sidecar.istio.io/status'];
  if (typeof status !== 'string') return { injected: false };
  try {
    const rev = rec(JSON.parse(status) as unknown).revision;
    return typeof rev === 'string' && rev ? { injected: true, revision: rev } : { injected: true };
  } catch {
    return { injected: true };
  }
}

function targetOf(obj: Obj, namespace: string, ns: Obj | undefined): TargetInput {
  const t = podTemplateOf(obj);
  const pod = t ?? { metadata: {}, spec: {} };
  const current = currentState(obj);
  return { kind: String(obj.kind), name: String(rec(obj.metadata).name ?? ''), namespace, subject: subjectOf(pod, namespace, ns), ...(current ? { current } : {}) };
}

function labelsTarget(labels: Record<string, string>, namespace: string, ns: Obj | undefined): TargetInput {
  return { kind: 'Pod', name: '', namespace, subject: { namespace, namespaceLabels: namespaceLabels(namespace, ns), labels, annotations: {}, hostNetwork: false } };
}

/**
 * Policies by revision. A revision without a readable injector config gets the chart default,
 * and a note, but only once its webhook is actually called (a deactivated revision stays quiet).
 */
function policyLookup(policies: Map<string, InjectorPolicy>, missing: (revision: string) => string, notes: string[]): (revision: string) => InjectorPolicy {
  return (revision) => {
    const p = policies.get(revision);
    if (p) return p;
    const note = missing(revision);
    if (!notes.includes(note)) notes.push(note);
    return DEFAULT_INJECTOR_POLICY;
  };
}

export async function gatherFromFiles(files: readonly string[], sel: Selection, readStdin: () => Promise<string>): Promise<Gathered> {
  const loaded = await loadInputs(files, { readStdin });
  const io = loaded.problems.filter((p) => p.type === 'io');
  if (io.length > 0) throw new UserError(io.map((p) => `${p.file}: ${p.message}`).join('\n'), ExitCode.NoInput, 'check the -f paths');
  if (loaded.problems.length > 0) throw new UserError(loaded.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n'), ExitCode.DataErr);
  const objects = loaded.objects.map((o) => o.object as Obj);
  const notes: string[] = [];
  const webhooks = objects.filter((o) => o.kind === 'MutatingWebhookConfiguration').map(webhookConfigurationOf);
  const namespaces = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [String(rec(o.metadata).name ?? ''), o]));
  const { policies, problems } = injectorPolicies(objects.filter((o) => o.kind === 'ConfigMap'));
  notes.push(...problems);
  const nsOf = (namespace: string): Obj | undefined => {
    const ns = namespaces.get(namespace);
    if (!ns && !notes.some((n) => n.startsWith(`Namespace ${namespace} `))) notes.push(`Namespace ${namespace} is not in the files; assuming it has no labels`);
    return ns;
  };
  const defaultNs = sel.namespace ?? 'default';
  const workloads = objects.filter((o) => String(o.kind) in WORKLOAD_API_VERSIONS);
  const targets: TargetInput[] = [];
  const t = sel.target;
  if (t && t.kind !== 'Namespace') {
    const want = t.namespace ?? sel.namespace;
    const hit = workloads.find((o) => o.kind === t.kind && rec(o.metadata).name === t.name && (want === undefined || String(rec(o.metadata).namespace ?? defaultNs) === want));
    if (!hit) throw new UserError(`${t.kind} ${want ? `${want}/` : ''}${t.name} not found in the files`, ExitCode.Error, 'pass the file that defines it with -f');
    const namespace = String(rec(hit.metadata).namespace ?? want ?? defaultNs);
    targets.push(targetOf(hit, namespace, nsOf(namespace)));
  } else if (t || sel.labels) {
    const namespace = t ? t.name : defaultNs;
    targets.push(labelsTarget(sel.labels ?? {}, namespace, nsOf(namespace)));
  } else {
    if (workloads.length === 0) throw new UserError('no workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob) in the files, and no target given', ExitCode.Usage);
    for (const o of workloads) {
      const namespace = String(rec(o.metadata).namespace ?? defaultNs);
      targets.push(targetOf(o, namespace, nsOf(namespace)));
    }
  }
  const missing = (rev: string): string => `no ConfigMap istio-sidecar-injector${revisionSuffix(rev)} in the files; assuming policy: enabled and no never/alwaysInjectSelector for revision ${rev}`;
  return { webhooks, targets, policyFor: policyLookup(policies, missing, notes), notes };
}

export async function gatherFromCluster(kube: KubeClient, sel: Selection, istioNamespace: string): Promise<Gathered> {
  const notes: string[] = [];
  const namespace = sel.target?.kind === 'Namespace' ? sel.target.name : (sel.target?.namespace ?? sel.namespace ?? kube.defaultNamespace);
  let mwcs;
  let ns;
  let obj: Obj | undefined;
  try {
    [mwcs, ns, obj] = await Promise.all([
      kube.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined),
      kube.get('v1', 'Namespace', undefined, namespace),
      sel.target && sel.target.kind !== 'Namespace' ? kube.get(WORKLOAD_API_VERSIONS[sel.target.kind]!, sel.target.kind, namespace, sel.target.name) : Promise.resolve(undefined),
    ]);
  } catch (e) {
    throw withHint(e, kindOf(e) === 'notfound' ? `check the name and the namespace (-n ${namespace})` : 'check the kubeconfig and context; to check manifests without a cluster, pass them with -f');
  }
  const webhooks = mwcs.map((m) => webhookConfigurationOf(m as Obj));
  const revisions = [...new Set(webhooks.filter(isIstioWebhook).map((w) => w.labels['istio.io/rev'] || 'default'))].sort();
  const policies = new Map<string, InjectorPolicy>();
  const unreadable = new Map<string, string>();
  await Promise.all(
    revisions.map(async (rev) => {
      const name = `istio-sidecar-injector${revisionSuffix(rev)}`;
      try {
        const cm = await kube.get('v1', 'ConfigMap', istioNamespace, name);
        const parsed = injectorPolicies([cm as Obj]);
        notes.push(...parsed.problems);
        const p = parsed.policies.get(rev);
        if (p) policies.set(rev, p);
      } catch (e) {
        unreadable.set(rev, e instanceof Error ? e.message : String(e));
      }
    }),
  );
  const targets = obj ? [targetOf(obj, namespace, ns as Obj)] : [labelsTarget(sel.labels ?? {}, namespace, ns as Obj)];
  const missing = (rev: string): string => {
    const name = `istio-sidecar-injector${revisionSuffix(rev)}`;
    return `cannot read ConfigMap ${istioNamespace}/${name}${unreadable.has(rev) ? ` (${unreadable.get(rev)})` : ''}; assuming policy: enabled and no never/alwaysInjectSelector for revision ${rev}`;
  };
  return { webhooks, targets, policyFor: policyLookup(policies, missing, notes), notes };
}
