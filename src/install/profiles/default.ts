import type { IstioOperator } from '../types.js';

/**
 * The base of every profile (upstream manifests/profiles/default.yaml): every other profile is
 * merged on top of it. hub/tag are not set here; the pinned release (version.ts) fills them in.
 */
export const defaultProfile: IstioOperator = {
  apiVersion: 'install.istio.io/v1alpha1',
  kind: 'IstioOperator',
  metadata: { namespace: 'istio-system' },
  spec: {
    components: {
      base: { enabled: true },
      pilot: { enabled: true },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }],
      egressGateways: [{ name: 'istio-egressgateway', enabled: false }],
    },
    values: {
      defaultRevision: '',
      global: { istioNamespace: 'istio-system', configValidation: true },
      gateways: { 'istio-ingressgateway': {}, 'istio-egressgateway': {} },
      ztunnel: { resourceName: 'ztunnel' },
    },
  },
};
