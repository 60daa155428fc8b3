import type { IstioOperator } from '../types.js';

/** OpenShift: istio-cni is mandatory there (no NET_ADMIN in pods) and lives in kube-system. */
export const openshiftProfile: IstioOperator = {
  spec: {
    components: { cni: { enabled: true, namespace: 'kube-system' } },
    values: { global: { platform: 'openshift' } },
  },
};

/** Ambient on OpenShift: CNI and ztunnel in kube-system. */
export const openshiftAmbientProfile: IstioOperator = {
  spec: {
    components: {
      cni: { enabled: true, namespace: 'kube-system' },
      ztunnel: { enabled: true, namespace: 'kube-system' },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }],
    },
    values: { profile: 'ambient', global: { platform: 'openshift' } },
  },
};
