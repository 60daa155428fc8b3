import type { Tree } from './types.js';

/** The shape of data/istio-crds.json (scripts/gen-crd-schemas.mjs). */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  additionalPrinterColumns?: Tree[];
  subresources?: Tree;
  schema: Tree;
}

export interface CrdEntry {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  group: string;
  kind: string;
  plural: string;
  scope: string;
  names: Tree;
  preserveUnknownFields?: boolean;
  conversion?: Tree;
  versions: CrdVersion[];
}

export interface CrdData {
  crds: CrdEntry[];
}

export function isCrdData(x: unknown): x is CrdData {
  return typeof x === 'object' && x !== null && Array.isArray((x as CrdData).crds);
}
