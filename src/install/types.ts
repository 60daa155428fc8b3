import type { K8sObject } from '../resources/types.js';

/** A plain JSON-like tree (Helm values, meshConfig). */
export type Tree = Record<string, unknown>;

/** `components.<x>.k8s`: the Kubernetes settings istioctl applies on top of the chart output. */
export interface K8sSettings {
  resources?: Tree;
  replicaCount?: number;
  env?: Tree[];
  nodeSelector?: Record<string, string>;
  tolerations?: Tree[];
  affinity?: Tree;
  service?: Tree;
  serviceAnnotations?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  hpaSpec?: Tree;
  podDisruptionBudget?: Tree;
  securityContext?: Tree;
  strategy?: Tree;
  imagePullPolicy?: string;
  priorityClassName?: string;
  readinessProbe?: Tree;
  volumes?: Tree[];
  volumeMounts?: Tree[];
}

export interface ComponentSpec {
  enabled?: boolean;
  namespace?: string;
  hub?: string;
  tag?: string;
  k8s?: K8sSettings;
}

export interface GatewaySpec extends ComponentSpec {
  name: string;
  label?: Record<string, string>;
}

export interface Components {
  base?: ComponentSpec;
  pilot?: ComponentSpec;
  cni?: ComponentSpec;
  ztunnel?: ComponentSpec;
  ingressGateways?: GatewaySpec[];
  egressGateways?: GatewaySpec[];
}

export interface IstioOperatorSpec {
  profile?: string;
  hub?: string;
  tag?: string;
  revision?: string;
  namespace?: string;
  installPackagePath?: string;
  compatibilityVersion?: string;
  meshConfig?: Tree;
  components?: Components;
  values?: Tree;
  unvalidatedValues?: Tree;
}

export interface IstioOperator {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  spec: IstioOperatorSpec;
}

/** Which part of the install an object belongs to (operator.istio.io/component values). */
export type ComponentName = 'Base' | 'Pilot' | 'Cni' | 'Ztunnel' | 'IngressGateways' | 'EgressGateways';

/** One rendered object and the component that owns it (apply/wait/prune group by component). */
export interface RenderedObject {
  readonly component: ComponentName;
  readonly object: K8sObject;
}
