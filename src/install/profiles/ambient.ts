import type { IstioOperator } from '../types.js';

/** Sidecar-less data plane: istio-cni (ambient mode) and the ztunnel DaemonSet, no ingress gateway. */
export const ambientProfile: IstioOperator = {
  spec: {
    components: {
      cni: { enabled: true },
      ztunnel: { enabled: true },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }],
    },
    values: { profile: 'ambient' },
  },
};
