/**
 * Turning Kubernetes objects (from files or the cluster) into check-inject's inputs: the
 * webhook configurations, the pod being created with its namespace, and the injector policy of
 * each revision. Pure.
 */
import { parse as yamlParse } from 'yaml';
import { isPlainObject } from '../util/objects.js';
import { injectorPolicyOf, type InjectionSubject, type InjectorPolicy, type WebhookConfiguration } from './policy.js';
import { KindError } from '../util/errors.js';

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(rec(v)).map(([k, x]) => [k, String(x)]));

/** Kinds whose pod template check-inject can evaluate, with their kubectl short names. */
export const TARGET_KINDS: Readonly<Record<string, string>> = {
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
  replicationcontroller: 'ReplicationController',
  replicationcontrollers: 'ReplicationController',
  rc: 'ReplicationController',
  job: 'Job',
  jobs: 'Job',
  cronjob: 'CronJob',
  cronjobs: 'CronJob',
  cj: 'CronJob',
  namespace: 'Namespace',
  namespaces: 'Namespace',
  ns: 'Namespace',
};

export const WORKLOAD_API_VERSIONS: Readonly<Record<string, string>> = {
  Pod: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

export interface Target {
  kind: string;
  name: string;
  namespace?: string;
}

/** A check-inject target that cannot be parsed: a usage error. */
export class TargetError extends KindError {
  override name = 'TargetError';
  constructor(message: string) {
    super(message, 'usage');
  }
}

/** `[<type>/]<name>[.<namespace>]`, as istioctl takes it; the text after the last dot is the namespace. */
export function parseTarget(arg: string): Target {
  let kind = 'Pod';
  let rest = arg;
  const slash = arg.indexOf('/');
  if (slash !== -1) {
    const t = arg.slice(0, slash).toLowerCase();
    const k = TARGET_KINDS[t] ?? TARGET_KINDS[t.replace(/\..*$/, '')]; // deployment.apps/x
    if (!k) throw new TargetError(`unsupported resource type "${arg.slice(0, slash)}"; use one of pod, deployment, statefulset, daemonset, replicaset, replicationcontroller, job, cronjob, namespace`);
    kind = k;
    rest = arg.slice(slash + 1);
  }
  if (rest === '') throw new TargetError(`"${arg}": missing a name`);
  if (kind === 'Namespace') return { kind, name: rest };
  const dot = rest.lastIndexOf('.');
  if (dot > 0 && dot < rest.length - 1) return { kind, name: rest.slice(0, dot), namespace: rest.slice(dot + 1) };
  return { kind, name: rest };
}

/** "a=b,c=d" (the -l flag): a pod's labels, not a selector. */
export function parseLabelPairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq <= 0) throw new TargetError(`-l ${text}: expected key=value pairs separated by commas`);
    const k = p.slice(0, eq).trim();
    const v = p.slice(eq + 1).replace(/^=/, '').trim(); // k==v is accepted like kubectl
    out[k] = v;
  }
  return out;
}

export function webhookConfigurationOf(obj: Obj): WebhookConfiguration {
  const meta = rec(obj.metadata);
  const hooks = Array.isArray(obj.webhooks) ? obj.webhooks.filter(isPlainObject) : [];
  return {
    name: String(meta.name ?? ''),
    labels: strMap(meta.labels),
    webhooks: hooks.map((w) => ({
      name: String(w.name ?? ''),
      ...(w.namespaceSelector !== undefined ? { namespaceSelector: w.namespaceSelector } : {}),
      ...(w.objectSelector !== undefined ? { objectSelector: w.objectSelector } : {}),
      ...(w.rules !== undefined ? { rules: w.rules } : {}),
      ...(w.matchConditions !== undefined ? { matchConditions: w.matchConditions } : {}),
    })),
  };
}

/** The pod metadata and spec a workload creates (CronJob: its job's pod template). */
export function podTemplateOf(obj: Obj): { metadata: Obj; spec: Obj } | undefined {
  if (obj.kind === 'Pod') return { metadata: rec(obj.metadata), spec: rec(obj.spec) };
  const spec = rec(obj.spec);
  const t = obj.kind === 'CronJob' ? rec(rec(rec(spec.jobTemplate).spec).template) : spec.template;
  if (!isPlainObject(t)) return undefined;
  return { metadata: rec(t.metadata), spec: rec(t.spec) };
}

/**
 * The API server gives every namespace the immutable label kubernetes.io/metadata.name=<name>
 * (Kubernetes >= 1.21); a Namespace written in a file usually lacks it, and webhooks may select on it.
 */
export function namespaceLabels(name: string, ns: Obj | undefined): Record<string, string> {
  return { ...strMap(rec(rec(ns).metadata).labels), 'kubernetes.io/metadata.name': name };
}

export function subjectOf(pod: { metadata: Obj; spec: Obj }, namespace: string, ns: Obj | undefined): InjectionSubject {
  return {
    namespace,
    namespaceLabels: namespaceLabels(namespace, ns),
    labels: strMap(pod.metadata.labels),
    annotations: strMap(pod.metadata.annotations),
    hostNetwork: pod.spec.hostNetwork === true,
  };
}

/**
 * Injector policies by revision, from istio-sidecar-injector[-<rev>] ConfigMaps. The revision
 * comes from the name suffix (the unsuffixed one is "default"). Unparseable configs are reported.
 */
export function injectorPolicies(configMaps: readonly Obj[]): { policies: Map<string, InjectorPolicy>; problems: string[] } {
  const policies = new Map<string, InjectorPolicy>();
  const problems: string[] = [];
  for (const cm of configMaps) {
    const meta = rec(cm.metadata);
    const name = String(meta.name ?? '');
    const m = /^istio-sidecar-injector(?:-(.+))?$/.exec(name);
    if (!m) continue;
    const text = rec(cm.data).config;
    if (typeof text !== 'string') {
      problems.push(`ConfigMap ${String(meta.namespace ?? '')}/${name} has no data.config`);
      continue;
    }
    try {
      policies.set(m[1] ?? 'default', injectorPolicyOf(yamlParse(text)));
    } catch (e) {
      problems.push(`ConfigMap ${String(meta.namespace ?? '')}/${name}: data.config is not valid YAML: ${(e as Error).message}`);
    }
  }
  return { policies, problems };
}

