import type { IstioOperator } from '../types.js';

/** Showcase install: adds the egress gateway; the `demo` values overlay lowers requests and turns on access logs. */
export const demoProfile: IstioOperator = {
  spec: {
    components: { egressGateways: [{ name: 'istio-egressgateway', enabled: true }] },
    values: { profile: 'demo' },
  },
};
