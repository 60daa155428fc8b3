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

export interface KubeConnectOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** Environment used to find KUBECONFIG (never process.env directly). */
  env: Readonly<Record<string, string | undefined>>;
}

export class KubeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}
