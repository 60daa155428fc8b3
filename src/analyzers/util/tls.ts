import type { X509Certificate } from 'node:crypto';
import type { Resource } from '../../resources/types.js';
import { asRecord, get } from '../../util/objects.js';

/**
 * The bytes of one Secret key: `data` is base64 (what the API server stores), `stringData` is plain
 * text (what people write in manifests; the API server merges it into `data` on write).
 */
function secretValue(secret: Resource, key: string): Buffer | undefined {
  const plain = asRecord(get(secret.object, 'stringData'))[key];
  if (typeof plain === 'string') return Buffer.from(plain, 'utf8');
  const encoded = asRecord(get(secret.object, 'data'))[key];
  if (typeof encoded === 'string') return Buffer.from(encoded, 'base64');
  return undefined;
}

/**
 * upstream credentials/kube ExtractCertInfo: a generic secret (`cert` + `key`) wins over a TLS
 * secret (`tls.crt` + `tls.key`); both values must be non-empty. Returns the certificate bytes.
 */
export function gatewayCertificate(secret: Resource): Buffer | undefined {
  for (const [certKey, keyKey] of [
    ['cert', 'key'],
    ['tls.crt', 'tls.key'],
  ] as const) {
    const cert = secretValue(secret, certKey);
    const key = secretValue(secret, keyKey);
    if (cert?.length && key?.length) return cert;
  }
  return undefined;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/;

/**
 * Why a Gateway credential would be rejected, or undefined when it is usable. Mirrors what istiod
 * checks before serving it over SDS (xds.ValidateCertificate): the first PEM block must hold an
 * X.509 certificate that is valid at `now`. Only a reason is returned; key material never leaves.
 */
export function credentialProblem(secret: Resource, now: Date): string | undefined {
  const cert = gatewayCertificate(secret);
  if (!cert) return 'no non-empty cert/key or tls.crt/tls.key pair';
  const block = PEM_BLOCK.exec(cert.toString('latin1'));
  if (!block) return 'the certificate is not PEM encoded';
  let x509: X509Certificate;
  try {
    // node:crypto is loaded here, on first use: requiring it up front was ~1.5 ms of every start.
    x509 = new (process.getBuiltinModule('node:crypto').X509Certificate)(Buffer.from(block[2]!.replace(/\s+/g, ''), 'base64'));
  } catch {
    return 'the certificate cannot be parsed';
  }
  const notBefore = Date.parse(x509.validFrom);
  const notAfter = Date.parse(x509.validTo);
  if (Number.isFinite(notAfter) && now.getTime() > notAfter) return `the certificate expired on ${x509.validTo}`;
  if (Number.isFinite(notBefore) && now.getTime() < notBefore) return `the certificate is not valid before ${x509.validFrom}`;
  return undefined;
}
