import type { IstioOperator } from '../types.js';

/** Everything off: a base for fully custom IstioOperator files. */
export const emptyProfile: IstioOperator = {
  spec: {
    components: {
      base: { enabled: false },
      pilot: { enabled: false },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }],
    },
  },
};
