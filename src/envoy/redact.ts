/**
 * Key material in Envoy config, redacted wherever it appears, in Envoy's own shapes.
 *
 * The fields are those Envoy marks `udpa.annotations.sensitive` and holds as a DataSource: TLS
 * private keys and key passwords, HMAC secrets (OAuth2), session ticket keys, generic secrets.
 * Envoy redacts them in /config_dump, but a saved dump, an istiod-generated dump or an older Envoy
 * may not, and they can appear outside the secrets section (an EnvoyFilter or DestinationRule can
 * inline a transport socket's key in a cluster or listener).
 *
 * Shapes stay Envoy's: an `inline_bytes` becomes base64 "[redacted]" (what Envoy prints), an
 * `inline_string` "[redacted]"; `filename` and `environment_variable` name where the key is, not the
 * key, and stay. Both the proto field names and their lowerCamelCase JSON names are recognised.
 */
const DATA_SOURCE_FIELDS = new Set(['private_key', 'privateKey', 'password', 'hmac_secret', 'hmacSecret']);
const REDACTED = '[redacted]';
const REDACTED_BYTES = Buffer.from(REDACTED).toString('base64');

const SENSITIVE_NAMES = /"(private_key|privateKey|password|hmac_secret|hmacSecret|session_ticket_keys|sessionTicketKeys|generic_secret|genericSecret)"/;

/** A cheap test on the text: false means no field that could hold key material is present. */
export function mayHoldKeyMaterial(text: string): boolean {
  return SENSITIVE_NAMES.test(text);
}

export function redactKeyMaterial<T>(v: T): T {
  return walk(v, '') as T;
}

function walk(v: unknown, parentKey: string): unknown {
  if (Array.isArray(v)) return v.map((x) => walk(x, parentKey));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
    const sensitive =
      DATA_SOURCE_FIELDS.has(k) ||
      (k === 'secret' && (parentKey === 'generic_secret' || parentKey === 'genericSecret')) ||
      (k === 'keys' && (parentKey === 'session_ticket_keys' || parentKey === 'sessionTicketKeys'));
    out[k] = sensitive ? (Array.isArray(child) ? child.map(redactDataSource) : redactDataSource(child)) : walk(child, k);
  }
  return out;
}

function redactDataSource(ds: unknown): unknown {
  if (ds === null || typeof ds !== 'object' || Array.isArray(ds)) return typeof ds === 'string' ? REDACTED : ds;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ds as Record<string, unknown>)) {
    if (k === 'inline_bytes' || k === 'inlineBytes') out[k] = REDACTED_BYTES;
    else if (k === 'inline_string' || k === 'inlineString') out[k] = REDACTED;
    else if (k === 'filename' || k === 'environment_variable' || k === 'environmentVariable' || k === 'watched_directory' || k === 'watchedDirectory') out[k] = v;
    // Anything else in a sensitive field is not known to be harmless.
    else out[k] = REDACTED;
  }
  return out;
}

/** Whether any sensitive field holds something other than Envoy's own redaction (or a file/env reference). */
export function hasUnredactedKeyMaterial(v: unknown): boolean {
  return JSON.stringify(redactKeyMaterial(v)) !== JSON.stringify(v);
}
