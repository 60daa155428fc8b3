import type { Analyzer } from '../../analysis/types.js';
import { meshConfigValidationAnalyzer, validationAnalyzer } from './validation.js';

/**
 * The Istio kinds with a CRD (data/istio-crds.json); upstream registers one validation analyzer per
 * kind of collections.Istio. MeshNetworks has none here: istio-ts reads no MeshNetworks input
 * offline (istioctl has no flag for it either), so there is nothing to validate.
 */
const KINDS = [
  'AuthorizationPolicy',
  'DestinationRule',
  'EnvoyFilter',
  'Gateway',
  'PeerAuthentication',
  'ProxyConfig',
  'RequestAuthentication',
  'ServiceEntry',
  'Sidecar',
  'Telemetry',
  'TrafficExtension',
  'VirtualService',
  'WasmPlugin',
  'WorkloadEntry',
  'WorkloadGroup',
] as const;

/** The schema analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [...KINDS.map(validationAnalyzer), meshConfigValidationAnalyzer].sort((a, b) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
);
