/**
 * Injection settings as the cluster holds them, for `kube-inject` with a kubeconfig (what
 * istioctl kube-inject does without --injectConfigFile/--valuesFile):
 *   ConfigMap <istio ns>/istio-sidecar-injector[-<rev>]  data.config (templates, policy...), data.values
 *   ConfigMap <istio ns>/istio[-<rev>]                   data.mesh
 * The revision "default" (and no revision) names the unsuffixed ConfigMaps, as the charts do.
 * Reads through the narrow KubeClient only, so tests use a fake.
 */
import { KubeError, type KubeClient, type KubeObject } from '../kube/types.js';
import { KindError, kindOf, type ErrorKind } from '../util/errors.js';

export interface SourceText {
  text: string;
  source: string;
}

export interface ClusterInjectionSources {
  injectConfig: SourceText;
  values?: SourceText;
  /** Absent when the mesh ConfigMap (or its data.mesh) is missing: the built-in MeshConfig applies. */
  meshConfig?: SourceText;
  /** One line each, for stderr: what was read, and anything missing. */
  notes: string[];
}

/** Why the cluster's settings could not be used; `missing` means Istio (that revision) is not installed. */
export class ClusterSettingsError extends KindError {
  constructor(
    message: string,
    readonly reason: 'missing' | 'unreachable' | 'invalid',
    kind: ErrorKind = reason === 'missing' ? 'notfound' : reason === 'invalid' ? 'failed' : 'unreachable',
  ) {
    super(message, kind, 'Pass --offline to use the built-in settings, or --injectConfigFile/--valuesFile.');
    this.name = 'ClusterSettingsError';
  }
}

export function revisionSuffix(revision: string | undefined): string {
  return revision && revision !== 'default' ? `-${revision}` : '';
}

async function getConfigMap(kube: KubeClient, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await kube.get('v1', 'ConfigMap', namespace, name);
  } catch (e) {
    if (e instanceof KubeError && e.status === 404) return undefined;
    const msg = e instanceof Error ? e.message : String(e);
    // Forbidden, unauthorized and timed out stay what they are: only the cause tells the user what to fix.
    throw new ClusterSettingsError(`cannot read ConfigMap ${namespace}/${name}: ${msg}`, 'unreachable', kindOf(e) === 'internal' ? 'unreachable' : kindOf(e));
  }
}

function dataField(cm: KubeObject, key: string): string | undefined {
  const data = cm.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const v = (data as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

export async function readClusterInjectionSources(kube: KubeClient, opts: { istioNamespace: string; revision?: string }): Promise<ClusterInjectionSources> {
  const suffix = revisionSuffix(opts.revision);
  const ns = opts.istioNamespace;
  const injectorName = `istio-sidecar-injector${suffix}`;
  const meshName = `istio${suffix}`;
  const [injector, mesh] = await Promise.all([getConfigMap(kube, ns, injectorName), getConfigMap(kube, ns, meshName)]);
  if (!injector) {
    throw new ClusterSettingsError(`ConfigMap ${ns}/${injectorName} not found in the cluster${suffix ? ` (is revision "${opts.revision}" installed?)` : ' (is Istio installed in this namespace?)'}`, 'missing');
  }
  const config = dataField(injector, 'config');
  if (config === undefined) throw new ClusterSettingsError(`ConfigMap ${ns}/${injectorName} has no data.config`, 'invalid');
  const notes: string[] = [];
  const out: ClusterInjectionSources = { injectConfig: { text: config, source: `ConfigMap ${ns}/${injectorName} data.config` }, notes };
  const values = dataField(injector, 'values');
  if (values !== undefined) out.values = { text: values, source: `ConfigMap ${ns}/${injectorName} data.values` };
  else notes.push(`ConfigMap ${ns}/${injectorName} has no data.values; using the built-in injection values`);
  const meshText = mesh ? dataField(mesh, 'mesh') : undefined;
  if (meshText !== undefined) out.meshConfig = { text: meshText, source: `ConfigMap ${ns}/${meshName} data.mesh` };
  else notes.push(`ConfigMap ${ns}/${meshName}${mesh ? ' has no data.mesh' : ' not found'}; using the default MeshConfig`);
  return out;
}

/**
 * istiod's ENABLE_NATIVE_SIDECARS=auto: native sidecars only when every node's kubelet is at
 * least v1.33 (an unparseable version, e.g. a simulated node's, counts as older). No nodes: no.
 */
export function nativeSidecarsFromNodes(kubeletVersions: readonly string[]): boolean {
  if (kubeletVersions.length === 0) return false;
  return kubeletVersions.every((v) => {
    const m = /^v?(\d+)\.(\d+)(?:\.|$|[-+])/.exec(v.trim());
    return m !== null && (Number(m[1]) > 1 || (Number(m[1]) === 1 && Number(m[2]) >= 33));
  });
}

/** The kubelet versions of the cluster's nodes. */
export async function kubeletVersions(kube: KubeClient): Promise<string[]> {
  const nodes = await kube.list('v1', 'Node', undefined);
  return nodes.map((n) => {
    const info = (n.status as { nodeInfo?: { kubeletVersion?: unknown } } | undefined)?.nodeInfo;
    return typeof info?.kubeletVersion === 'string' ? info.kubeletVersion : '';
  });
}
