import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asRecord, asString, asStringMap, get } from '../../util/objects.js';
import { fullName } from '../util/workload.js';

interface Tls {
  credentialName: string;
  serverCertificate: string;
  privateKey: string;
}

function tlsSettings(gw: Resource): Tls[] {
  const out: Tls[] = [];
  for (const s of asArray(get(gw.object, 'spec', 'servers'))) {
    const tls = asRecord(s).tls;
    if (tls === undefined || tls === null) continue;
    const t = asRecord(tls);
    out.push({
      credentialName: asString(t.credentialName),
      serverCertificate: asString(t.serverCertificate),
      privateKey: asString(t.privateKey),
    });
  }
  return out;
}

/** Same SDS credential, or (both without one) the same certificate and key files. */
function sameCertificate(a: Tls, b: Tls): boolean {
  if (a.credentialName && b.credentialName) return a.credentialName === b.credentialName;
  if (a.credentialName || b.credentialName) return false;
  return Boolean(a.serverCertificate && a.serverCertificate === b.serverCertificate && a.privateKey && a.privateKey === b.privateKey);
}

/** Every label of `x` is in `y` with the same value (an empty `x` selects every gateway). */
function selectorSubset(x: Labels, y: Labels): boolean {
  return Object.entries(x).every(([k, v]) => y[k] === v);
}

export default defineAnalyzer({
  name: 'gateway.CertificateAnalyzer',
  description: 'Checks a gateway certificate',
  inputs: ['Gateway'],
  messages: ['GatewayDuplicateCertificate'],
  analyze(ctx) {
    const gateways = ctx.snapshot.list('Gateway');
    // istiod's PILOT_SCOPE_GATEWAY_TO_NAMESPACE (off by default) would limit this to one
    // namespace; the setting is not visible offline, so the default applies.
    for (const gw of gateways) {
      const selector = asStringMap(get(gw.object, 'spec', 'selector'));
      const mine = tlsSettings(gw);
      if (mine.length === 0) continue;
      for (const other of gateways) {
        if (other === gw) continue;
        if (!selectorSubset(selector, asStringMap(get(other.object, 'spec', 'selector')))) continue;
        const theirs = tlsSettings(other);
        // Browsers reuse an HTTP/2 connection for every host the certificate covers, so a second
        // gateway serving the same certificate on the same workload gets requests it cannot route.
        if (!mine.some((a) => theirs.some((b) => sameCertificate(a, b)))) continue;
        ctx.report({
          resource: gw,
          message: 'GatewayDuplicateCertificate',
          args: [[fullName(gw), fullName(other)]],
          path: ['metadata', 'name'],
        });
      }
    }
  },
});
