import type { IstioOperator } from '../types.js';

/** Control plane only: base + istiod, no gateway. */
export const minimalProfile: IstioOperator = {
  spec: { components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }] } },
};
