import type { Analyzer } from '../analysis/types.js';
import annotationsK8sAnalyzer from './annotations/k8s-analyzer.js';
import applicationUIDAnalyzer from './applicationuid/analyzer.js';
import authAuthorizationPoliciesAnalyzer from './auth/authorization-policies-analyzer.js';
import { requestPrincipalsAnalyzer as authRequestPrincipalsAnalyzer } from './auth/request-principals-analyzer.js';
import { tcpPortHttpRulesAnalyzer as authTcpPortHttpRulesAnalyzer } from './auth/tcp-port-http-rules-analyzer.js';
import authnBlockedCIDRsAnalyzer from './authn/blocked-cidrs-analyzer.js';
import { strictMtlsClientsAnalyzer as authnStrictMtlsClientsAnalyzer } from './authn/strict-mtls-clients-analyzer.js';
import conditionsConditionAnalyzer from './conditions/condition.js';
import deploymentMultiServiceAnalyzer from './deployment/multi-service-analyzer.js';
import { deprecationAnalyzer as deprecationDeprecationAnalyzer } from './deprecation/deprecation-analyzer.js';
import { caCertificateAnalyzer as destinationruleCaCertificateAnalyzer } from './destinationrule/ca-certificate-analyzer.js';
import { outlierDetectionAnalyzer as destinationruleOutlierDetectionAnalyzer } from './destinationrule/outlier-detection-analyzer.js';
import { subsetPolicyAnalyzer as destinationruleSubsetPolicyAnalyzer } from './destinationrule/subset-policy-analyzer.js';
import { subsetSelectPodAnalyzer as destinationruleSubsetSelectPodAnalyzer } from './destinationrule/subset-select-pod-analyzer.js';
import { tlsModeConflictAnalyzer as destinationruleTlsModeConflictAnalyzer } from './destinationrule/tls-mode-conflict-analyzer.js';
import envoyfilterEnvoyPatchAnalyzer from './envoyfilter/envoy-patch.js';
import externalcontrolplaneExternalControlPlaneAnalyzer from './externalcontrolplane/external-control-plane-analyzer.js';
import gatewayCertificateAnalyzer from './gateway/certificate.js';
import gatewayConflictingGatewayAnalyzer from './gateway/conflicting-gateway.js';
import gatewayIngressGatewayPortAnalyzer from './gateway/ingress-gateway-port.js';
import gatewaySecretAnalyzer from './gateway/secret.js';
import injectionAnalyzer from './injection/analyzer.js';
import injectionImageAnalyzer from './injection/image-analyzer.js';
import injectionImageAutoAnalyzer from './injection/image-auto-analyzer.js';
import k8sgatewayCRDVersionAnalyzer from './k8sgateway/crd-version.js';
import k8sgatewaySelectorAnalyzer from './k8sgateway/selector.js';
import meshnetworksMeshNetworksAnalyzer from './meshnetworks/mesh-networks-analyzer.js';
import { meshConfigValidationAnalyzer, meshNetworksValidationAnalyzer, validationAnalyzer } from './schema/validation.js';
import { containerPortAnalyzer as serviceContainerPortAnalyzer } from './service/container-port-analyzer.js';
import { headlessPortAnalyzer as serviceHeadlessPortAnalyzer } from './service/headless-port-analyzer.js';
import servicePortNameAnalyzer from './service/port-name-analyzer.js';
import { analyzer as serviceentryAnalyzer } from './serviceentry/analyzer.js';
import { conflictingServiceEntryProtocolAnalyzer as serviceentryConflictingServiceEntryProtocolAnalyzer } from './serviceentry/conflicting-service-entry-protocol-analyzer.js';
import { multiClusterServiceAnalyzer as servicesMultiClusterServiceAnalyzer } from './services/multi-cluster-service-analyzer.js';
import sidecarSelectorAnalyzer from './sidecar/selector.js';
import telemetryDefaultSelectorAnalyzer from './telemetry/default-selector.js';
import telemetryLightstepAnalyzer from './telemetry/lightstep.js';
import telemetryProviderAnalyzer from './telemetry/provider.js';
import telemetrySelectorAnalyzer from './telemetry/selector.js';
import { conflictingMeshGatewayHostsAnalyzer as virtualserviceConflictingMeshGatewayHostsAnalyzer } from './virtualservice/conflicting-mesh-gateway-hosts-analyzer.js';
import { destinationHostAnalyzer as virtualserviceDestinationHostAnalyzer } from './virtualservice/destination-host-analyzer.js';
import { destinationRuleAnalyzer as virtualserviceDestinationRuleAnalyzer } from './virtualservice/destination-rule-analyzer.js';
import { gatewayAnalyzer as virtualserviceGatewayAnalyzer } from './virtualservice/gateway-analyzer.js';
import { gatewayRouteOverlapAnalyzer as virtualserviceGatewayRouteOverlapAnalyzer } from './virtualservice/gateway-route-overlap-analyzer.js';
import { jwtClaimRouteAnalyzer as virtualserviceJWTClaimRouteAnalyzer } from './virtualservice/jwt-claim-route-analyzer.js';
import { retryPolicyAnalyzer as virtualserviceRetryPolicyAnalyzer } from './virtualservice/retry-policy-analyzer.js';
import webhookAnalyzer from './webhook/analyzer.js';
import { apiVersionAnalyzer as workloadApiVersionAnalyzer } from './workload/api-version-analyzer.js';
import { resourceQuantityAnalyzer as workloadResourceQuantityAnalyzer } from './workload/resource-quantity-analyzer.js';
import { selectorAnalyzer as workloadSelectorAnalyzer } from './workload/selector-analyzer.js';

/**
 * Every analyzer `istio-ts analyze` runs, one per line in name order (the explicit registry: no
 * directory scanning, no sorting at run time). test/meta/analyzers.test.ts fails when the order
 * is wrong, when an analyzer file is missing here, or when a name does not match its file
 * (src/analyzers/<area>/<type>.ts for `<area>.<Type>`, the `-analyzer` suffix optional).
 */
export const allAnalyzers: readonly Analyzer[] = [
  annotationsK8sAnalyzer,
  applicationUIDAnalyzer,
  authAuthorizationPoliciesAnalyzer,
  authRequestPrincipalsAnalyzer,
  authTcpPortHttpRulesAnalyzer,
  authnBlockedCIDRsAnalyzer,
  authnStrictMtlsClientsAnalyzer,
  conditionsConditionAnalyzer,
  deploymentMultiServiceAnalyzer,
  deprecationDeprecationAnalyzer,
  destinationruleCaCertificateAnalyzer,
  destinationruleOutlierDetectionAnalyzer,
  destinationruleSubsetPolicyAnalyzer,
  destinationruleSubsetSelectPodAnalyzer,
  destinationruleTlsModeConflictAnalyzer,
  envoyfilterEnvoyPatchAnalyzer,
  externalcontrolplaneExternalControlPlaneAnalyzer,
  gatewayCertificateAnalyzer,
  gatewayConflictingGatewayAnalyzer,
  gatewayIngressGatewayPortAnalyzer,
  gatewaySecretAnalyzer,
  injectionAnalyzer,
  injectionImageAnalyzer,
  injectionImageAutoAnalyzer,
  k8sgatewayCRDVersionAnalyzer,
  k8sgatewaySelectorAnalyzer,
  meshnetworksMeshNetworksAnalyzer,
  validationAnalyzer('AuthorizationPolicy'),
  validationAnalyzer('DestinationRule'),
  validationAnalyzer('EnvoyFilter'),
  validationAnalyzer('Gateway'),
  meshConfigValidationAnalyzer,
  meshNetworksValidationAnalyzer,
  validationAnalyzer('PeerAuthentication'),
  validationAnalyzer('ProxyConfig'),
  validationAnalyzer('RequestAuthentication'),
  validationAnalyzer('ServiceEntry'),
  validationAnalyzer('Sidecar'),
  validationAnalyzer('Telemetry'),
  validationAnalyzer('TrafficExtension'),
  validationAnalyzer('VirtualService'),
  validationAnalyzer('WasmPlugin'),
  validationAnalyzer('WorkloadEntry'),
  validationAnalyzer('WorkloadGroup'),
  serviceContainerPortAnalyzer,
  serviceHeadlessPortAnalyzer,
  servicePortNameAnalyzer,
  serviceentryAnalyzer,
  serviceentryConflictingServiceEntryProtocolAnalyzer,
  servicesMultiClusterServiceAnalyzer,
  sidecarSelectorAnalyzer,
  telemetryDefaultSelectorAnalyzer,
  telemetryLightstepAnalyzer,
  telemetryProviderAnalyzer,
  telemetrySelectorAnalyzer,
  virtualserviceConflictingMeshGatewayHostsAnalyzer,
  virtualserviceDestinationHostAnalyzer,
  virtualserviceDestinationRuleAnalyzer,
  virtualserviceGatewayAnalyzer,
  virtualserviceGatewayRouteOverlapAnalyzer,
  virtualserviceJWTClaimRouteAnalyzer,
  virtualserviceRetryPolicyAnalyzer,
  webhookAnalyzer,
  workloadApiVersionAnalyzer,
  workloadResourceQuantityAnalyzer,
  workloadSelectorAnalyzer,
];
