import type { Analyzer } from '../../analysis/types.js';
import { meshConfigValidationAnalyzer, meshNetworksValidationAnalyzer, validationAnalyzer } from './validation.js';

/**
 * The Istio kinds with a CRD (data/istio-crds.json); upstream registers one validation analyzer per
 * kind of collections.Istio, plus the mesh-wide MeshConfig and MeshNetworks.
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
export const analyzers: readonly Analyzer[] = [...KINDS.map(validationAnalyzer), meshConfigValidationAnalyzer, meshNetworksValidationAnalyzer].sort((a, b) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
);
