import { redactKeyMaterial } from './redact.js';
/** SDS secrets from a config dump (`proxy-config secret`), with certificate facts read from the PEM. */
import type { X509Certificate } from 'node:crypto';
import { type ConfigDump, type Obj, flattenSection, arr, field, isObj, obj, requireSection, str } from './configdump.js';

export interface SecretRow {
  name: string;
  /** "Cert Chain", "CA", or "" when the secret carries no certificate (yet). */
  type: string;
  /** ACTIVE, WARMING, or UNINITIALIZED (active but never filled by the agent). */
  status: string;
  valid: boolean;
  serialNumber: string;
  notAfter: string;
  notBefore: string;
  /** SPIFFE trust domain: of the bundle, or from the certificate's spiffe:// URI SAN. */
  trustDomain: string;
  /** The row is a trust bundle of a SPIFFE certificate validator (SPIRE, federation). */
  spiffeBundle: boolean;
}

interface CertFacts {
  type: string;
  valid: boolean;
  serialNumber: string;
  notAfter: string;
  notBefore: string;
  trustDomain: string;
}

function inlineBytes(ds: unknown): string {
  if (!isObj(ds)) return '';
  const b = field(ds, 'inline_bytes');
  if (typeof b === 'string' && b !== '') return Buffer.from(b, 'base64').toString('utf8');
  const s = field(ds, 'inline_string');
  return typeof s === 'string' ? s : '';
}

function rfc3339(goDate: string): string {
  const d = new Date(goDate);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Facts of the first certificate of a PEM bundle; undefined when it does not parse. */
export function certFacts(pem: string, now: Date): CertFacts | undefined {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (!m) return undefined;
  let cert: X509Certificate;
  try {
    // node:crypto is loaded here, on first use: requiring it up front was ~1.5 ms of every start.
    cert = new (process.getBuiltinModule('node:crypto').X509Certificate)(m[0]);
  } catch {
    return undefined;
  }
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  // istioctl prints the serial's big-endian bytes in hex: whole bytes (a leading 0 nibble stays),
  // without the 00 byte DER adds to keep the number positive.
  const serial = cert.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, '');
  const spiffe = /URI:spiffe:\/\/([^/,\s]+)/.exec(cert.subjectAltName ?? '');
  return {
    type: cert.ca ? 'CA' : 'Cert Chain',
    valid: now > from && now < to,
    serialNumber: serial,
    notAfter: rfc3339(cert.validTo),
    notBefore: rfc3339(cert.validFrom),
    trustDomain: spiffe?.[1] ?? '',
  };
}

const EMPTY: CertFacts = { type: '', valid: false, serialNumber: '', notAfter: '', notBefore: '', trustDomain: '' };

function secretRows(entry: Obj, status: string, now: Date): SecretRow[] {
  const name = str(entry.name);
  const secret = obj(entry.secret);
  const chain = inlineBytes(field(obj(field(secret, 'tls_certificate')), 'certificate_chain'));
  const vc = obj(field(secret, 'validation_context'));
  const ca = inlineBytes(field(vc, 'trusted_ca'));
  // SPIRE hands Envoy one trust bundle per federated trust domain through the SPIFFE validator
  // instead of trusted_ca; each bundle is a row of its own.
  const spiffe = obj(field(obj(field(vc, 'custom_validator_config')), 'typed_config'));
  const domains = arr(field(spiffe, 'trust_domains')).map(obj);
  if (!chain && !ca && domains.length > 0) {
    return domains.map((td) => {
      const facts = certFacts(inlineBytes(field(td, 'trust_bundle')), now) ?? EMPTY;
      return { name, status, ...facts, trustDomain: str(td.name), spiffeBundle: true };
    });
  }
  const pem = chain || ca;
  const facts = pem ? (certFacts(pem, now) ?? EMPTY) : EMPTY;
  return [{ name, status, ...facts, spiffeBundle: false }];
}

/** Warming secrets first, then active ones (istioctl's order). */
export function listSecrets(dump: ConfigDump, now: Date): SecretRow[] {
  const s = requireSection(dump, 'secrets');
  const rows: SecretRow[] = [];
  for (const w of flattenSection(s, [['dynamic_warming_secrets']])) rows.push(...secretRows(w, 'WARMING', now));
  for (const a of flattenSection(s, [['dynamic_active_secrets']])) {
    // The agent has not delivered this secret yet: Envoy reports it active with this version.
    const status = str(field(a, 'version_info')) === 'uninitialized' ? 'UNINITIALIZED' : 'ACTIVE';
    rows.push(...secretRows(a, status, now));
  }
  return rows;
}

/** The secrets section without key material, in Envoy's own shapes (see redact.ts). */
export function redactSecrets(section: Obj): Obj {
  return redactKeyMaterial(section);
}
