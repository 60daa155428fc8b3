/**
 * Envoy's admin API prints protobuf JSON with the original proto field names (snake_case);
 * istioctl unmarshals that into Go protos and prints it again with protojson, which uses the
 * lowerCamelCase JSON names. `toProtoJson` does that renaming on the plain JSON value, without
 * proto descriptors, so `-o json|yaml` output matches istioctl's.
 *
 * Renaming must stop where a proto field is a map or a google.protobuf.Struct: there the keys are
 * data (metadata keys, label names, runtime keys), not field names.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Fields whose value is a Struct or a map<string, scalar|Struct>: copied verbatim. */
const VERBATIM = new Set(['filter_metadata', 'key_values', 'static_layer']);
/** Fields that are map<string, message|Any>: keys kept, values renamed. */
const MAP_OF_MESSAGES = new Set([
  'typed_filter_metadata',
  'typed_per_filter_config',
  'typed_extension_protocol_options',
  'extension_protocol_options',
  'per_filter_config',
]);

const FIELD_NAME = /^[a-z][a-z0-9_]*$/;

export function jsonName(field: string): string {
  if (!field.includes('_') || !FIELD_NAME.test(field)) return field;
  return field.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isRecord(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether an object holding `value` carries it as opaque data: a TypedStruct's `value` is a
 * Struct, and protojson prints an Any of a well-known type as {"@type", "value"}.
 */
function valueIsOpaque(parent: Record<string, Json>): boolean {
  const t = parent['@type'];
  if (typeof t !== 'string') return false;
  return t.endsWith('.TypedStruct') || t.includes('/google.protobuf.');
}

/**
 * `metadata` is a google.protobuf.Struct (keys are data) only on the bootstrap Node and in a
 * BuildVersion; elsewhere it is a message — core.Metadata on clusters, routes and endpoints,
 * tracing CustomTag.Metadata {kind, metadata_key}, … — whose field names are renamed.
 */
function metadataIsStruct(parent: Record<string, Json>): boolean {
  const node = ['user_agent_name', 'user_agent_version', 'user_agent_build_version', 'client_features', 'listening_addresses'].some((k) => k in parent) || ('id' in parent && 'cluster' in parent);
  const version = parent.version;
  const buildVersion = isRecord(version) && ('major_number' in version || 'minor_number' in version || 'patch' in version);
  return node || buildVersion;
}

export function toProtoJson(v: unknown): Json {
  if (Array.isArray(v)) return v.map((x) => toProtoJson(x));
  if (!isRecord(v)) return v as Json;
  const out: Record<string, Json> = {};
  for (const [k, child] of Object.entries(v)) {
    let converted: Json;
    if (VERBATIM.has(k)) converted = child;
    else if (k === 'value' && valueIsOpaque(v)) converted = child;
    else if (k === 'metadata' && isRecord(child) && metadataIsStruct(v)) converted = child;
    else if (MAP_OF_MESSAGES.has(k) && isRecord(child)) {
      const m: Record<string, Json> = {};
      for (const [mk, mv] of Object.entries(child)) m[mk] = toProtoJson(mv);
      converted = m;
    } else converted = toProtoJson(child);
    out[jsonName(k)] = converted;
  }
  return out;
}
