/**
 * The labels install stamps on every object it applies, and the selectors prune and uninstall use
 * to find them again. istio-ts keeps its own label keys instead of rewriting `istio.io/rev`:
 * the charts already use `istio.io/rev` with meanings of their own (the default-revision validator
 * carries the revision that owns "default"), and istiod selects webhook configurations by it.
 */
import type { K8sObject } from '../../resources/types.js';
import type { ComponentName, RenderedObject } from '../types.js';
import { ISTIO_RELEASE } from '../version.js';

export const FIELD_MANAGER = 'istio-ts';
export const MANAGED_BY_LABEL = 'install.istio-ts.dev/managed-by';
export const REVISION_LABEL = 'install.istio-ts.dev/revision';
export const COMPONENT_LABEL = 'operator.istio.io/component';
export const VERSION_LABEL = 'operator.istio.io/version';
/** istioctl's opt-out from pruning, honoured the same way. */
export const NOT_PRUNED_LABEL = 'install.operator.istio.io/owning-resource-not-pruned';

/** "default" for the unnamed revision, like istio.io/rev values. */
export function revisionValue(revision: string): string {
  return revision === '' ? 'default' : revision;
}

/** Copies of the rendered objects with the ownership labels added (inputs are not mutated). */
export function stampOwnership(objects: readonly RenderedObject[], revision: string): RenderedObject[] {
  return objects.map((r) => {
    const object = structuredClone(r.object) as K8sObject;
    object.metadata.labels = {
      ...(object.metadata.labels ?? {}),
      [MANAGED_BY_LABEL]: FIELD_MANAGER,
      [REVISION_LABEL]: revisionValue(revision),
      [COMPONENT_LABEL]: r.component,
      [VERSION_LABEL]: ISTIO_RELEASE,
    };
    return { component: r.component, object };
  });
}

export function revisionSelector(revision: string): string {
  return `${MANAGED_BY_LABEL}=${FIELD_MANAGER},${REVISION_LABEL}=${revisionValue(revision)}`;
}

export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${FIELD_MANAGER}`;

/**
 * Every kind any profile renders (base, istiod, gateways, cni, ztunnel), listed when looking for
 * objects to prune or uninstall. Listing by kind is needed because Kubernetes has no
 * "all objects with label X" query.
 */
export const OWNED_KINDS: readonly { apiVersion: string; kind: string; namespaced: boolean }[] = [
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', namespaced: false },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', namespaced: false },
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', namespaced: true },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespaced: true },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespaced: false },
  { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', namespaced: true },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', namespaced: false },
];

export function isCrd(o: { kind?: string }): boolean {
  return o.kind === 'CustomResourceDefinition';
}

/** Components in dependency order; each waits for the ones it depends on (istioctl's graph). */
export const COMPONENT_ORDER: readonly ComponentName[] = ['Base', 'Pilot', 'Cni', 'Ztunnel', 'IngressGateways', 'EgressGateways'];
export const COMPONENT_DEPENDS_ON: Readonly<Record<ComponentName, readonly ComponentName[]>> = {
  Base: [],
  Pilot: ['Base'],
  Cni: ['Base'],
  Ztunnel: ['Cni'],
  IngressGateways: ['Pilot'],
  EgressGateways: ['Pilot'],
};
