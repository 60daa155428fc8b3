export type Labels = Record<string, string>;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Labels;
  [key: string]: unknown;
}

/** A Kubernetes object as parsed: only apiVersion, kind and metadata are known to be there. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

export type FieldPath = readonly (string | number)[];

export interface SourceRef {
  /** File path as given by the user, or "-" for stdin. */
  readonly file: string;
  /** 1-based line of the document's first content line. */
  readonly line: number;
}

/** One object in the analysis snapshot. */
export interface Resource {
  /** Collection name (see kinds.ts). */
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  /** "" for cluster-scoped objects and for namespace-less objects read with -A. */
  readonly namespace: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly object: K8sObject;
  readonly source?: SourceRef;
  /** 1-based line of a field inside the object, when the source keeps positions. */
  readonly locate?: (path: FieldPath) => number | undefined;
  /** Set on objects istio-ts made up: pods from workload templates, default ingress objects. */
  readonly synthetic?: { readonly reason: 'workload-template' | 'default'; readonly owner?: Resource };
}

/** Upstream's Origin.FriendlyName(): "Kind namespace/name", or "Kind name" without namespace. */
export function friendlyName(r: Pick<Resource, 'object' | 'namespace' | 'name'>): string {
  const kind = r.object.kind;
  return r.namespace ? `${kind} ${r.namespace}/${r.name}` : `${kind} ${r.name}`;
}

export function resourceKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
