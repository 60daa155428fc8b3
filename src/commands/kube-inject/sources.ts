/**
 * Where kube-inject's settings come from, decided before anything is injected:
 *   --injectConfigFile / --valuesFile / --operatorFileName   the files; the cluster is not asked
 *   --offline                           the built-in settings, silently
 *   no kubeconfig found                 the built-in settings, with a note on stderr
 *   otherwise                           the cluster's ConfigMaps (istio-sidecar-injector[-rev], istio[-rev])
 * A cluster that has no injector ConfigMap (Istio not installed) falls back to the built-in
 * settings with a warning, unless a revision was asked for: a mistyped -r must not silently
 * inject the default revision's sidecar. An unreachable or forbidden cluster is an error, since
 * the output would otherwise differ from what the cluster's webhook injects.
 */
import { ClusterSettingsError, kubeletVersions, nativeSidecarsFromNodes, readClusterInjectionSources, type SourceText } from '../../inject/cluster.js';
import type { NativeSidecarMode } from '../../inject/settings.js';
import { DEFAULT_ISTIO_TAG } from '../../inject/configmap.js';
import { KubeError, type KubeClient } from '../../kube/types.js';
import { ExitCode, UserError } from '../../cli/errors.js';
import { findKubeconfig } from './kubeconfig.js';
import { withContext, withHint } from '../../util/errors.js';

export interface SourceFlags {
  offline: boolean;
  /** --native-sidecars; `auto` is decided from the cluster's nodes when the cluster is used. */
  nativeSidecars?: NativeSidecarMode;
  revision?: string;
  kubeconfig?: string;
  istioNamespace: string;
  injectConfig?: SourceText;
  values?: SourceText;
  meshConfig?: SourceText;
  operator?: SourceText;
}

export interface ResolvedSources {
  origin: 'files' | 'built-in' | 'cluster';
  injectConfig?: SourceText;
  values?: SourceText;
  meshConfig?: SourceText;
  operator?: SourceText;
  /** Set when the cluster decided `--native-sidecars auto`. */
  nativeSidecars?: NativeSidecarMode;
  /** Lines for stderr. */
  notes: string[];
}

export interface SourceDeps {
  env: Readonly<Record<string, string | undefined>>;
  exists: (path: string) => boolean;
  connect: () => Promise<KubeClient>;
}

const BUILT_IN = `using built-in injection settings (Istio ${DEFAULT_ISTIO_TAG})`;

export async function resolveSources(flags: SourceFlags, deps: SourceDeps): Promise<ResolvedSources> {
  const fromFlags = {
    ...(flags.injectConfig ? { injectConfig: flags.injectConfig } : {}),
    ...(flags.values ? { values: flags.values } : {}),
    ...(flags.meshConfig ? { meshConfig: flags.meshConfig } : {}),
    ...(flags.operator ? { operator: flags.operator } : {}),
  };
  if (flags.injectConfig || flags.values || flags.operator) return { origin: 'files', ...fromFlags, notes: [] };
  if (flags.offline) return { origin: 'built-in', ...fromFlags, notes: [] };
  const found = findKubeconfig({ ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}), env: deps.env, exists: deps.exists });
  if (!found) {
    return { origin: 'built-in', ...fromFlags, notes: [`${BUILT_IN}; no kubeconfig found. Pass --injectConfigFile/--valuesFile, or a kubeconfig to use the cluster's (--offline silences this)`] };
  }
  const kube: KubeClient = await deps.connect().catch((e: unknown) => {
    throw withContext(e, 'cannot use the cluster for injection settings', 'Pass --offline to use the built-in settings, or --injectConfigFile/--valuesFile.');
  });
  try {
    const cluster = await readClusterInjectionSources(kube, { istioNamespace: flags.istioNamespace, ...(flags.revision ? { revision: flags.revision } : {}) });
    const notes = [...cluster.notes];
    const meshConfig = flags.meshConfig ?? cluster.meshConfig;
    notes.unshift(`using injection settings from ${cluster.injectConfig.source.replace(/ data\.config$/, '')}${meshConfig && !flags.meshConfig ? ` and ${meshConfig.source.replace(/ data\.mesh$/, '')}` : ''}`);
    let native: NativeSidecarMode | undefined;
    if ((flags.nativeSidecars ?? 'auto') === 'auto') {
      try {
        native = nativeSidecarsFromNodes(await kubeletVersions(kube)) ? 'true' : 'false';
      } catch (e) {
        notes.push(`cannot list nodes (${(e as Error).message}); assuming native sidecars (kubelet >= 1.33)`);
      }
    }
    return { origin: 'cluster', injectConfig: cluster.injectConfig, ...(cluster.values ? { values: cluster.values } : {}), ...(meshConfig ? { meshConfig } : {}), ...(native ? { nativeSidecars: native } : {}), notes };
  } catch (e) {
    if (e instanceof ClusterSettingsError && e.reason === 'missing' && !flags.revision) {
      return { origin: 'built-in', ...fromFlags, notes: [`Warning: ${e.message}; ${BUILT_IN}`] };
    }
    throw withHint(e, 'Pass --offline to use the built-in settings, or --injectConfigFile/--valuesFile.');
  }
}
