import type { StructuralSchema } from './crds.js';

/** A JSON schema for ajv (draft-07 vocabulary plus the kept x-kubernetes-* keywords). */
export type AjvSchema = Record<string, unknown>;

/**
 * Turns a Kubernetes structural schema into a JSON schema with the API server's semantics:
 *
 * - Unknown fields: the API server prunes fields a structural schema does not declare, so a typo
 *   (`spec.htpp`) silently disappears. Objects therefore get `additionalProperties: false`
 *   unless they say `x-kubernetes-preserve-unknown-fields` (EnvoyFilter patches, Struct fields).
 * - `x-kubernetes-int-or-string`: the node has no `type`; it accepts an integer or a string.
 * - `nullable`: handled before validation (null values are pruned as the API server does).
 * - `x-kubernetes-validations` and `x-kubernetes-list-map-keys` stay as keywords; scripts/gen-validators.mjs
 *   compiles them (with this conversion) into the precompiled validators under data/validators.
 * - `description` is dropped (it does not validate and makes compiled code bigger).
 */
export function toAjvSchema(root: StructuralSchema): AjvSchema {
  const s = convert(root);
  // The CRD schema describes spec/status; apiVersion, kind and metadata are the API server's.
  const props = { ...((s.properties as Record<string, AjvSchema>) ?? {}) };
  props.apiVersion = { type: 'string' };
  props.kind = { type: 'string' };
  props.metadata = { type: 'object' };
  return { ...s, properties: props };
}

function convert(node: StructuralSchema): AjvSchema {
  const out: AjvSchema = {};
  for (const [k, v] of Object.entries(node)) {
    switch (k) {
      case 'description':
      case 'nullable':
      case 'x-kubernetes-int-or-string':
      case 'x-kubernetes-preserve-unknown-fields':
      case 'x-kubernetes-list-type':
        break;
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(v as Record<string, StructuralSchema>).map(([p, ps]) => [p, convert(ps)]),
        );
        break;
      case 'items':
      case 'not':
        out[k] = convert(v as StructuralSchema);
        break;
      case 'additionalProperties':
        out[k] = typeof v === 'boolean' ? v : convert(v as StructuralSchema);
        break;
      case 'oneOf':
      case 'anyOf':
      case 'allOf':
        out[k] = (v as StructuralSchema[]).map(convert);
        break;
      default:
        out[k] = v;
    }
  }
  if (node['x-kubernetes-int-or-string']) {
    delete out.type;
    out.type = ['integer', 'string'];
  }
  const isObject = node.type === 'object';
  if (isObject && node.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  if (node.type === 'array' && node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  return out;
}
