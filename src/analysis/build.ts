import { kindInfo, KINDS, lookupKind, WORKLOAD_KINDS } from '../resources/kinds.js';
import type { LoadedObject } from '../resources/loader.js';

/** An object with or without a file position (objects from the cluster have none). */
export type SourcedObject = Pick<LoadedObject, 'object'> & Partial<Pick<LoadedObject, 'source' | 'locate'>>;
import type { K8sObject, Labels, Resource, SourceRef } from '../resources/types.js';
import { asStringMap, get, isPlainObject } from '../util/objects.js';
import type { MeshConfig } from './mesh-config.js';
import { Snapshot } from './snapshot.js';

export interface BuildOptions {
  /** -A: namespace-less objects stay namespace-less. Otherwise they get `namespace`. */
  readonly allNamespaces: boolean;
  readonly namespace: string;
  readonly istioNamespace: string;
  readonly meshConfig: MeshConfig;
  /** Add the default ingress gateway Pod and Service (istioctl file mode does). */
  readonly addDefaults: boolean;
  /** Make Pods from workload templates (offline: yes; a live cluster has real pods). Default true. */
  readonly synthesizePods?: boolean;
  /** Kinds the source could list (live mode); offline, a kind is available when the input has one. */
  readonly availableKinds?: ReadonlySet<string>;
  /**
   * The input is the whole world (`analyze --closed-world`): a kind the files do not hold has no
   * objects, rather than being unknown, so selectors and hosts that match nothing are reported.
   */
  readonly closedWorld?: boolean;
}

export interface BuildResult {
  readonly snapshot: Snapshot;
  /** Objects whose kind istio-ts does not analyze, by apiVersion/kind, with counts. */
  readonly ignoredKinds: Map<string, number>;
  /** The same object defined more than once in the files: the one analyzed and the one passed over. */
  readonly duplicates: DuplicateObject[];
}

export interface DuplicateObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly kept: SourceRef;
  readonly dropped: SourceRef;
}

/** Turns loaded objects into a snapshot, the way file mode sees the world (see README "Offline analysis"). */
export function buildFileSnapshot(loaded: readonly SourcedObject[], opts: BuildOptions): BuildResult {
  const resources: Resource[] = [];
  const ignoredKinds = new Map<string, number>();
  const present = new Set<string>();
  // A file object takes the place of the cluster's (files are layered on the live state). The
  // same object in two files is reported, and the one analyzed does not depend on argument
  // order: the first by file name and line.
  const seen = new Map<string, number>();
  const duplicates: DuplicateObject[] = [];
  for (const l of loaded) {
    const info = lookupKind(l.object.apiVersion, l.object.kind);
    if (!info) {
      const k = `${l.object.apiVersion}/${l.object.kind}`;
      ignoredKinds.set(k, (ignoredKinds.get(k) ?? 0) + 1);
      continue;
    }
    const r = toResource(l, info.kind, info.namespaced, opts);
    const key = `${r.kind}/${r.namespace}/${r.name}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      const old = resources[prev]!;
      if (old.source && r.source) {
        const keepOld = compareSource(old.source, r.source) <= 0;
        const [kept, dropped] = keepOld ? [old.source, r.source] : [r.source, old.source];
        duplicates.push({ kind: r.object.kind, namespace: r.namespace, name: r.name, kept, dropped });
        if (!keepOld) resources[prev] = r;
      } else resources[prev] = r;
    } else {
      seen.set(key, resources.length);
      resources.push(r);
    }
    present.add(info.kind);
  }
  const synthesized: Resource[] = [];
  for (const r of opts.synthesizePods === false ? [] : resources) {
    if (!WORKLOAD_KINDS.has(r.kind)) continue;
    const pod = podFromWorkload(r);
    if (pod) synthesized.push(pod);
  }
  if (synthesized.length) present.add('Pod');
  const defaults = opts.addDefaults ? defaultResources(opts, resources) : [];
  const available = new Set<string>([...present, ...(opts.availableKinds ?? [])]);
  for (const k of KINDS) if (k.config || opts.closedWorld) available.add(k.kind);
  return { snapshot: new Snapshot([...resources, ...synthesized, ...defaults], available), ignoredKinds, duplicates };
}

function compareSource(a: SourceRef, b: SourceRef): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

function toResource(l: SourcedObject, kind: string, namespaced: boolean, opts: BuildOptions): Resource {
  const meta = l.object.metadata;
  const name = meta.name ?? meta.generateName ?? '';
  let namespace = namespaced ? (meta.namespace ?? '') : '';
  if (namespaced && !namespace && !opts.allNamespaces) namespace = opts.namespace;
  return {
    kind,
    apiVersion: l.object.apiVersion,
    name: String(name),
    namespace: String(namespace),
    labels: asStringMap(meta.labels),
    annotations: asStringMap(meta.annotations),
    object: l.object,
    ...(l.source ? { source: l.source } : {}),
    ...(l.locate ? { locate: l.locate } : {}),
  };
}

/** The pod template of a workload, or undefined. */
export function podTemplateOf(obj: K8sObject): Record<string, unknown> | undefined {
  const t = obj.kind === 'CronJob' ? get(obj, 'spec', 'jobTemplate', 'spec', 'template') : get(obj, 'spec', 'template');
  return isPlainObject(t) ? t : undefined;
}

/**
 * A Pod as the workload would create it, so selector-based analyzers work on a GitOps repo.
 * Messages about it are reported on the workload (see AnalysisContext.report).
 */
export function podFromWorkload(w: Resource): Resource | undefined {
  const tpl = podTemplateOf(w.object);
  if (!tpl) return undefined;
  const meta = isPlainObject(tpl.metadata) ? tpl.metadata : {};
  const labels: Labels = asStringMap(meta.labels);
  const annotations: Labels = asStringMap(meta.annotations);
  const name = `${w.name}-${w.kind.toLowerCase()}-template`;
  const object: K8sObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...meta, name, namespace: w.namespace, labels, annotations },
    spec: isPlainObject(tpl.spec) ? tpl.spec : {},
  };
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    name,
    namespace: w.namespace,
    labels,
    annotations,
    object,
    ...(w.source ? { source: w.source } : {}),
    synthetic: { reason: 'workload-template', owner: w },
  };
}

/** upstream pkg/config/analysis/local/defaults.go: a dummy ingress gateway pod and service. */
function defaultResources(opts: BuildOptions, existing: readonly Resource[]): Resource[] {
  const mesh = opts.meshConfig;
  if (String(mesh.ingressControllerMode).toUpperCase() === 'OFF') return [];
  const ns = opts.istioNamespace;
  const svcName = mesh.ingressService || 'istio-ingressgateway';
  const selector = { istio: mesh.ingressSelector || 'ingressgateway' };
  const out: Resource[] = [];
  const has = (kind: string, name: string) => existing.some((r) => r.kind === kind && r.namespace === ns && r.name === name);
  const podName = `${svcName}-dummypod`;
  if (!has('Pod', podName)) {
    out.push(synthetic({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName, namespace: ns, labels: selector },
      spec: { containers: [{ name: 'istio-proxy', image: 'proxyv2' }] },
    }));
  }
  if (!has('Service', svcName)) {
    const port = (name: string, n: number) => ({ name, port: n, targetPort: n, protocol: 'TCP' });
    out.push(synthetic({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svcName, namespace: ns },
      spec: {
        selector,
        ports: [port('http2', 80), port('https', 443), port('tcp', 31400), port('tls', 15443)],
      },
    }));
  }
  return out;
}

function synthetic(object: K8sObject): Resource {
  const info = kindInfo(object.kind)!;
  return {
    kind: info.kind,
    apiVersion: object.apiVersion,
    name: object.metadata.name!,
    namespace: object.metadata.namespace ?? '',
    labels: asStringMap(object.metadata.labels),
    annotations: {},
    object,
    synthetic: { reason: 'default' },
  };
}
