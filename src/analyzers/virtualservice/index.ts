import type { Analyzer } from '../../analysis/types.js';
import { conflictingMeshGatewayHostsAnalyzer } from './conflicting-mesh-gateway-hosts-analyzer.js';
import { destinationHostAnalyzer } from './destination-host-analyzer.js';
import { destinationRuleAnalyzer } from './destination-rule-analyzer.js';
import { gatewayAnalyzer } from './gateway-analyzer.js';
import { gatewayRouteOverlapAnalyzer } from './gateway-route-overlap-analyzer.js';
import { jwtClaimRouteAnalyzer } from './jwt-claim-route-analyzer.js';
import { retryPolicyAnalyzer } from './retry-policy-analyzer.js';

/** The virtualservice analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationRuleAnalyzer,
  gatewayAnalyzer,
  gatewayRouteOverlapAnalyzer,
  jwtClaimRouteAnalyzer,
  retryPolicyAnalyzer,
];
