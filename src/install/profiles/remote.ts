import type { IstioOperator } from '../types.js';

/**
 * A cluster whose control plane runs elsewhere: only CRDs, the reader RBAC and the injection /
 * validation webhooks pointing at the remote istiod (the `remote` values overlay sets istiodRemote).
 */
export const remoteProfile: IstioOperator = {
  spec: {
    components: {
      base: { enabled: true },
      pilot: { enabled: true },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }],
    },
    values: { profile: 'remote' },
  },
};
