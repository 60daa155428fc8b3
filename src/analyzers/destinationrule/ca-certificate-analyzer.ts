import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, asString, isPlainObject } from '../../util/objects.js';
import { fullNameString } from '../util/service-registry.js';

/** Client TLS modes where the sidecar, not Istio mTLS, must verify the server certificate. */
const VERIFYING_MODES = new Set(['SIMPLE', 'MUTUAL']);

/**
 * A TLS block that originates TLS without a CA to check the server against. A credentialName
 * on a DestinationRule with a workloadSelector (applied to a gateway) may carry the CA in the
 * referenced secret, so that combination is not flagged.
 */
function unverified(tls: Record<string, unknown>, hasWorkloadSelector: boolean): string | undefined {
  const mode = asString(tls.mode);
  if (!VERIFYING_MODES.has(mode)) return undefined;
  if (asString(tls.caCertificates)) return undefined;
  if (asString(tls.credentialName) && hasWorkloadSelector) return undefined;
  return mode;
}

export const caCertificateAnalyzer = defineAnalyzer({
  name: 'destinationrule.CaCertificateAnalyzer',
  description: 'Checks if caCertificates is set when TLS mode is SIMPLE/MUTUAL',
  inputs: ['DestinationRule'],
  messages: ['NoServerCertificateVerificationDestinationLevel', 'NoServerCertificateVerificationPortLevel'],
  analyze(ctx) {
    for (const dr of ctx.snapshot.list('DestinationRule')) {
      const spec = asRecord(dr.object.spec);
      const host = asString(spec.host);
      const name = fullNameString(dr);
      const hasSelector = isPlainObject(spec.workloadSelector);
      const policy = asRecord(spec.trafficPolicy);
      const mode = unverified(asRecord(policy.tls), hasSelector);
      if (mode) {
        ctx.report({
          resource: dr,
          message: 'NoServerCertificateVerificationDestinationLevel',
          args: [name, dr.namespace, mode, host],
          path: ['spec', 'trafficPolicy', 'tls', 'mode'],
        });
      }
      asArray(policy.portLevelSettings).forEach((p, i) => {
        const settings = asRecord(p);
        const portMode = unverified(asRecord(settings.tls), hasSelector);
        if (!portMode) return;
        // Upstream prints the port selector in protobuf text form.
        const port = asRecord(settings.port).number;
        ctx.report({
          resource: dr,
          message: 'NoServerCertificateVerificationPortLevel',
          args: [name, dr.namespace, portMode, host, port === undefined ? '' : `number:${String(port)}`],
          path: ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'],
        });
      });
    }
  },
});
