import { readFileSync } from 'node:fs';

/** data/envoy-patch-fields.json (scripts/gen-envoy-fields.mjs): src/schema and dist/cli are two levels below the root. */
export const ENVOY_FIELDS_URL = new URL('../../data/envoy-patch-fields.json', import.meta.url);

interface EnvoyFields {
  readonly types: Record<string, { readonly message: string; readonly fields: readonly string[] }>;
}

let byApplyTo: Map<string, { message: string; fields: Set<string> }> | undefined;

/** The Envoy message an EnvoyFilter patch value for `applyTo` decodes into, with its field names. */
export function envoyPatchType(applyTo: string): { message: string; fields: ReadonlySet<string> } | undefined {
  if (!byApplyTo) {
    const raw = JSON.parse(readFileSync(ENVOY_FIELDS_URL, 'utf8')) as EnvoyFields;
    byApplyTo = new Map(Object.entries(raw.types).map(([k, v]) => [k, { message: v.message, fields: new Set(v.fields) }]));
  }
  return byApplyTo.get(applyTo);
}

