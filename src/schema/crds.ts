import { readFileSync } from 'node:fs';

/** One version of a CRD as shipped in data/istio-crds.json (scripts/gen-crd-schemas.mjs). */
export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly deprecated?: boolean;
  readonly deprecationWarning?: string;
  readonly additionalPrinterColumns?: readonly Record<string, unknown>[];
  readonly subresources?: Record<string, unknown>;
  /** The version's openAPIV3Schema (a Kubernetes structural schema). */
  readonly schema: StructuralSchema;
}

export interface Crd {
  readonly name: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly names: Record<string, unknown>;
  readonly versions: readonly CrdVersion[];
}

export interface CrdBundle {
  readonly source: { readonly file: string; readonly sha256: string };
  readonly crds: readonly Crd[];
}

/** The subset of OpenAPI v3 plus Kubernetes extensions that Istio's CRDs use. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  oneOf?: StructuralSchema[];
  anyOf?: StructuralSchema[];
  allOf?: StructuralSchema[];
  not?: StructuralSchema;
  nullable?: boolean;
  format?: string;
  description?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  [key: string]: unknown;
}

export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
}

/** Where the shipped CRD data lives: src/schema and dist/schema are both two levels below the package root. */
export const CRD_DATA_URL = new URL('../../data/istio-crds.json', import.meta.url);

let bundle: CrdBundle | undefined;

/**
 * The shipped CRDs (about 0.5 MB of JSON). Validation does not read them: it uses the precompiled
 * validators and their index in data/validators (scripts/gen-validators.mjs), generated from them.
 */
export function crdBundle(): CrdBundle {
  bundle ??= JSON.parse(readFileSync(CRD_DATA_URL, 'utf8')) as CrdBundle;
  return bundle;
}
