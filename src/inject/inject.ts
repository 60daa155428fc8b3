/**
 * kube-inject over a multi-document YAML stream (pkg/kube/inject IntoResourceFile/IntoObject):
 * workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod,
 * ReplicationController, DeploymentConfig, and List items) get the sidecar; every other document
 * passes through byte for byte, in order. Pure: text + settings in, text + warnings out.
 */
import { Document, parseAllDocuments, visit } from 'yaml';
import { fastParseDocument } from '../resources/fast-yaml.js';
import { isPlainObject } from '../util/objects.js';
import { emitYaml } from '../util/yaml-emit.js';
import { injectPod, InjectionError } from './pod.js';
import { DEFAULT_INJECTOR_POLICY, istiodDecision } from './policy.js';
import { canonicalQuantity } from './quantity.js';
import type { InjectionSettings } from './settings.js';

type Obj = Record<string, unknown>;

export { InjectionError };

export const WORKLOAD_KINDS = ['CronJob', 'DaemonSet', 'Deployment', 'DeploymentConfig', 'Job', 'Pod', 'ReplicaSet', 'ReplicationController', 'StatefulSet'] as const;


export interface InjectResult {
  text: string;
  /** One line each, for stderr: skipped workloads and why. */
  warnings: string[];
  injected: number;
}

const rec = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const strMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(rec(v)).map(([k, x]) => [k, String(x)]));

/** Splits a YAML stream into raw documents the way k8s' YAMLReader does (on `---` lines). */
export function splitDocuments(text: string): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    if (/^---(\s|$)/.test(line)) {
      if (cur.length) out.push(cur.join(''));
      cur = [];
      continue;
    }
    cur.push(line);
  }
  if (cur.length) out.push(cur.join(''));
  return out.filter((d) => d.split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('#')));
}

function podTemplateOf(doc: Obj): { meta: Obj; spec: Obj; holder: Obj } | null {
  const kind = doc.kind;
  if (kind === 'Pod') return { meta: rec(doc.metadata), spec: rec(doc.spec), holder: doc };
  const spec = rec(doc.spec);
  if (kind === 'CronJob') {
    // Upstream quirk kept on purpose: labels and annotations land on spec.jobTemplate.metadata
    // (not on the pod template), exactly where istioctl kube-inject puts them.
    const jt = rec(spec.jobTemplate);
    const t = rec(rec(jt.spec).template);
    return { meta: rec(jt.metadata), spec: rec(t.spec), holder: jt };
  }
  if (!isPlainObject(spec.template)) return null;
  return { meta: rec(spec.template.metadata), spec: rec(spec.template.spec), holder: spec.template };
}

/** kube.GetDeployMetaFromPod: a pod made by a controller reports its owner workload. */
function deployMetaFromPod(pod: Obj): { name: string; namespace: string; apiVersion: string; kind: string } {
  const meta = rec(pod.metadata);
  const out = { name: String(meta.name ?? ''), namespace: String(meta.namespace ?? ''), apiVersion: 'v1', kind: 'Pod' };
  if (!meta.generateName) return out;
  const owner = (Array.isArray(meta.ownerReferences) ? meta.ownerReferences : []).filter(isPlainObject).find((o) => o.controller === true);
  if (!owner) return out;
  out.apiVersion = String(owner.apiVersion ?? '');
  out.kind = String(owner.kind ?? '');
  out.name = String(owner.name ?? '');
  const hash = rec(meta.labels)['pod-template-hash'];
  if (out.kind === 'ReplicaSet' && typeof hash === 'string' && out.name.endsWith(`-${hash}`)) {
    out.name = out.name.slice(0, -(hash.length + 1));
    out.kind = 'Deployment';
    out.apiVersion = 'apps/v1';
  } else if (out.kind === 'Job' && rec(meta.labels)['batch.kubernetes.io/controller-uid'] === undefined && /-\d+$/.test(out.name)) {
    // Jobs created by a CronJob are named <cronjob>-<scheduled time>.
    out.name = out.name.replace(/-\d+$/, '');
    out.kind = 'CronJob';
    out.apiVersion = 'batch/v1';
  }
  return out;
}

/** istiod's injectRequired with the policy kube-inject runs with: enabled, no never/always selectors. */
function injectionRequired(meta: Obj): boolean {
  const subject = { namespace: String(meta.namespace ?? ''), namespaceLabels: {}, labels: strMap(meta.labels), annotations: strMap(meta.annotations), hostNetwork: false };
  return istiodDecision(subject, DEFAULT_INJECTOR_POLICY).inject;
}

/** Go's decode+encode of the pod: fields corev1 always prints, zero-valued omitempty ints dropped, quantities canonical. */
/** Drops null-valued keys: every optional corev1 field is an omitempty pointer, so Go never prints `x: null`. */
function dropNulls(v: unknown): void {
  if (Array.isArray(v)) for (const x of v) dropNulls(x);
  else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else dropNulls(x);
    }
  }
}

function roundTripPodSpec(spec: Obj): void {
  // Upstream templates write `- emptyDir:` (null) for sockets; the typed decode forgets the key.
  for (const key of ['initContainers', 'containers', 'volumes']) dropNulls(spec[key]);
  for (const key of ['initContainers', 'containers']) {
    if (!Array.isArray(spec[key])) continue;
    for (const c of spec[key] as unknown[]) {
      if (!isPlainObject(c)) continue;
      if (!isPlainObject(c.resources)) c.resources = {};
      const r = c.resources as Obj;
      for (const k of ['limits', 'requests']) {
        if (isPlainObject(r[k])) for (const [q, v] of Object.entries(r[k] as Obj)) (r[k] as Obj)[q] = canonicalQuantity(v);
      }
      for (const p of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        if (!isPlainObject(c[p])) continue;
        const probe = c[p] as Obj;
        for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) if (probe[f] === 0) delete probe[f];
      }
      if (Array.isArray(c.volumeMounts)) for (const m of c.volumeMounts) if (isPlainObject(m) && m.readOnly === false) delete m.readOnly;
      // EnvVar.value is omitempty: an empty value (e.g. ISTIO_META_APP_CONTAINERS of a gateway) is not printed.
      if (Array.isArray(c.env)) for (const e of c.env) if (isPlainObject(e) && e.value === '') delete e.value;
    }
  }
}

/** Status and spec fields Go prints for each kind even when empty (non-omitempty struct fields). */
function roundTripWorkload(doc: Obj): void {
  const spec = rec(doc.spec);
  switch (doc.kind) {
    case 'Deployment':
      spec.strategy ??= {};
      doc.status ??= {};
      break;
    case 'DaemonSet':
      spec.updateStrategy ??= {};
      doc.status ??= { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
      break;
    case 'StatefulSet':
      spec.updateStrategy ??= {};
      spec.serviceName ??= '';
      doc.status ??= { replicas: 0, availableReplicas: 0 };
      break;
    case 'ReplicaSet':
    case 'ReplicationController':
      doc.status ??= { replicas: 0 };
      break;
    case 'DeploymentConfig':
      spec.strategy ??= {};
      if (isPlainObject(spec.strategy)) (spec.strategy as Obj).resources ??= {};
      spec.triggers ??= null;
      spec.test ??= false;
      // omitempty fields Go drops when zero
      if (spec.minReadySeconds === 0) delete spec.minReadySeconds;
      if (spec.paused === false) delete spec.paused;
      doc.status ??= { latestVersion: 0, observedGeneration: 0, replicas: 0, updatedReplicas: 0, availableReplicas: 0, unavailableReplicas: 0 };
      break;
    case 'CronJob':
      rec(spec.jobTemplate).metadata ??= {};
      doc.status ??= {};
      break;
    default:
      doc.status ??= {};
  }
  const t = doc.kind === 'Pod' ? doc : doc.kind === 'CronJob' ? rec(rec(rec(spec.jobTemplate).spec).template) : rec(spec.template);
  t.metadata ??= {};
  if (isPlainObject(t.spec)) roundTripPodSpec(t.spec);
  else t.spec = { containers: null };
}

/** Injects one object (recursing into List items). Returns null when it is not a workload. */
function injectObject(doc: Obj, settings: InjectionSettings, warn: (s: string) => void, count: { n: number }): Obj | null {
  if (doc.kind === 'List' && Array.isArray(doc.items)) {
    const out = structuredClone(doc);
    out.metadata ??= {}; // metav1.ListMeta always prints
    out.items = (doc.items as unknown[]).map((it) => (isPlainObject(it) ? injectObject(it, settings, warn, count) ?? it : it));
    return out;
  }
  if (!(WORKLOAD_KINDS as readonly string[]).includes(String(doc.kind))) return null;
  const out = structuredClone(doc);
  const tpl = podTemplateOf(out);
  if (!tpl) throw new InjectionError(`${String(doc.kind)} ${String(rec(doc.metadata).name ?? '')}: spec.template is required`);
  let typeMeta = { apiVersion: String(out.apiVersion ?? ''), kind: String(out.kind ?? '') };
  let deployMeta = { name: String(rec(out.metadata).name ?? ''), namespace: String(rec(out.metadata).namespace ?? '') };
  if (out.kind === 'Pod') {
    const d = deployMetaFromPod(out);
    typeMeta = { apiVersion: d.apiVersion, kind: d.kind };
    deployMeta = { name: d.name, namespace: d.namespace };
  }
  const name = String(tpl.meta.name ?? '') || deployMeta.name;
  const namespace = String(tpl.meta.namespace ?? '') || deployMeta.namespace;
  const fullName = deployMeta.namespace ? `${deployMeta.namespace}/${name}` : name;
  const what = typeMeta.kind ? `${typeMeta.kind} "${fullName}"` : `"${fullName}"`;
  if (tpl.spec.hostNetwork === true) {
    warn(`===> Skipping injection because ${what} has host networking enabled`);
    roundTripWorkload(out);
    return out;
  }
  if (!injectionRequired({ ...tpl.meta, namespace })) {
    warn(`===> Skipping injection because ${what} has sidecar injection disabled`);
    roundTripWorkload(out);
    return out;
  }
  // A workload injected before is injected again, as istioctl does: the containers the last
  // injection added are replaced and the app probers it recorded are kept (injectPod).
  const pod = injectPod({ metadata: tpl.meta, spec: tpl.spec, typeMeta, deployMeta }, settings);
  count.n++;
  if (out.kind === 'Pod') {
    out.metadata = pod.metadata;
    out.spec = pod.spec;
  } else if (out.kind === 'CronJob') {
    tpl.holder.metadata = pod.metadata;
    rec(rec(tpl.holder.spec).template).spec = pod.spec;
  } else {
    tpl.holder.metadata = pod.metadata;
    tpl.holder.spec = pod.spec;
  }
  roundTripWorkload(out);
  return out;
}

/** A plain scalar go-yaml (YAML 1.1 rules) would resolve to null, a bool or a number. */
function readsAsNonString(s: string): boolean {
  return (
    /^(|~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(s) ||
    /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[1-9][0-9_]*|0)$/.test(s) ||
    /^[-+]?([0-9][0-9_]*)?\.?[0-9][0-9_]*([eE][-+]?[0-9]+)?$/.test(s) ||
    /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(s)
  );
}

/** Keys sorted, as sigs.k8s.io/yaml prints (it goes through JSON maps). */
function toYaml(v: unknown): string {
  // go-yaml's quoting: a string that would read back as another type ("15020", "true", "") is
  // double-quoted; any other string that cannot be plain is single-quoted ('*', '{"a":1}').
  const fast = emitYaml(v, { indentSeq: false, singleQuote: true, doubleQuoted: readsAsNonString });
  if (fast !== undefined) return foldLongQuoted(fast);
  const doc = new Document(v, { sortMapEntries: true, aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return foldLongQuoted(doc.toString({ lineWidth: 0, indentSeq: false, singleQuote: true }));
}

/**
 * go-yaml (what sigs.k8s.io/yaml prints with) folds a single-quoted scalar at the first space past
 * column 80, continuing on the next line two spaces deeper than its key. Block scalars (`|`) and
 * other styles are left alone.
 */
function foldLongQuoted(text: string): string {
  const out: string[] = [];
  let blockIndent = -1; // inside a block scalar whose key line has this indentation
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indent > blockIndent) {
        out.push(line);
        continue;
      }
      blockIndent = -1;
    }
    if (/(:|^\s*-) [|>][-+]?$/.test(line)) {
      blockIndent = indent;
      out.push(line);
      continue;
    }
    const m = /^(\s*(?:- )?(?:[^'"\s][^:]*: )?)'(.*)'$/.exec(line);
    if (!m || line.length <= 80 || !m[2]!.includes(' ')) {
      out.push(line);
      continue;
    }
    const prefix = m[1]!;
    const body = m[2]!;
    const contIndent = ' '.repeat(indent + 2);
    let cur = `${prefix}'`;
    let column = cur.length;
    let prevSpace = false;
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (ch === ' ') {
        if (!prevSpace && column > 80 && i > 0 && i < body.length - 1 && body[i + 1] !== ' ') {
          out.push(cur);
          cur = contIndent;
          column = cur.length;
        } else {
          cur += ch;
          column++;
        }
        prevSpace = true;
      } else {
        cur += ch;
        column++;
        prevSpace = false;
      }
    }
    out.push(`${cur}'`);
  }
  return out.join('\n');
}

/** One raw document's value: the fast path for plain manifests, else the full parser (and its errors). */
function parseDocument(raw: string): unknown {
  const fast = fastParseDocument(raw);
  if (fast !== undefined) return fast.value;
  const parsed = parseAllDocuments(raw);
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length > 0) throw new InjectionError(`invalid YAML: ${errors[0]!.message}`);
  return docs[0]?.toJS();
}

export function injectText(text: string, settings: InjectionSettings): InjectResult {
  const warnings: string[] = [];
  const count = { n: 0 };
  let out = '';
  for (const raw of splitDocuments(text)) {
    const value = parseDocument(raw);
    const injected = isPlainObject(value) ? injectObject(value, settings, (s) => warnings.push(s), count) : null;
    out += injected ? toYaml(injected) : raw.endsWith('\n') ? raw : `${raw}\n`;
    out += '---\n';
  }
  return { text: out, warnings, injected: count.n };
}
