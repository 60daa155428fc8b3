import { KindError, type ErrorKind } from '../util/errors.js';
/** The narrow Kubernetes surface istio-ts needs. Built lazily (see ./client.ts); tests use fakes. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string | Date;
    deletionTimestamp?: string | Date;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** A local port forwarded to a pod port; close() ends it. */
export interface PortForwardSession {
  readonly localPort: number;
  /** Why the last forwarded connection failed (API server refused the upgrade, pod gone…). */
  lastError?(): string | undefined;
  /** The same failure with its kind (forbidden, not found, timed out…), when there was one. */
  lastFailure?(): Error | undefined;
  /** Resolves once a connection to the pod port is established through the API server. */
  established?(): Promise<void>;
  close(): Promise<void>;
}

export interface KubeClient {
  /** The namespace commands default to: -n, else the kubeconfig context's, else "default". */
  readonly defaultNamespace: string;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(apiVersion: string, kind: string, namespace: string | undefined, opts?: ListOptions): Promise<KubeObject[]>;
  portForward(namespace: string, pod: string, port: number): Promise<PortForwardSession>;
  logs(namespace: string, pod: string, container?: string, opts?: { tailLines?: number }): Promise<string>;
}

/** Server-side apply options (PATCH application/apply-patch+yaml). */
export interface ApplyOptions {
  readonly fieldManager: string;
  /** Take over fields another manager owns (istioctl applies with force too). */
  readonly force?: boolean;
  /** dryRun=All: the API server runs admission and defaulting but persists nothing. */
  readonly dryRun?: boolean;
}

/** One SelfSubjectAccessReview question: may the current user <verb> <group>/<resource> [in <namespace>]? */
export interface AccessQuestion {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
}

export interface AccessAnswer {
  readonly allowed: boolean;
  readonly reason?: string;
}

/** GET /version. */
export interface ServerVersion {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
}

/** What discovery says about a kind: its plural resource name and scope. */
export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * The writing half install/uninstall/precheck need. Separate from KubeClient so read-only users
 * (and their fakes) are unaffected. read/apply return the API server's JSON as-is (no typed
 * deserialization), so dry-run results compare field for field with live objects.
 */
export interface KubeWriteClient extends KubeClient {
  /** The object as stored, or undefined when it (or its kind) does not exist. */
  read(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject>;
  /** Deletes; false when the object was already gone. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; dryRun?: boolean }): Promise<boolean>;
  /** Discovery; undefined when the group/version or kind is not served. */
  resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  serverVersion(): Promise<ServerVersion>;
  canI(q: AccessQuestion): Promise<AccessAnswer>;
}

export interface KubeConnectOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** --request-timeout: the most any one API call or port-forward upgrade may take (0: no limit). */
  requestTimeoutMs?: number;
  /** Environment used to find KUBECONFIG (never process.env directly). */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * A failed cluster call. The kind follows the HTTP status (401 unauthorized, 403 forbidden, 404/410
 * not found, 408/504 timed out, other statuses failed); without a status the server was never
 * reached (unreachable) unless the caller says it timed out.
 */
export class KubeError extends KindError {
  constructor(
    message: string,
    readonly status?: number,
    kind?: ErrorKind,
    hint?: string,
  ) {
    super(message, kind ?? kindForStatus(status), hint);
    this.name = 'KubeError';
  }
}

/**
 * The server at the kubeconfig's address answered, but not as a Kubernetes API server does (an
 * HTML page, a bare 404 under /api): every other read would get the same, so callers stop.
 */
export class NotKubernetesError extends KubeError {
  constructor(message: string, status: number, hint: string) {
    super(message, status, 'failed', hint);
    this.name = 'NotKubernetesError';
  }
}

export function kindForStatus(status: number | undefined): ErrorKind {
  if (status === undefined || status === 0) return 'unreachable';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'notfound';
  if (status === 408 || status === 504) return 'timeout';
  return 'failed';
}
