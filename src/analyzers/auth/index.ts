import type { Analyzer } from '../../analysis/types.js';
import authorizationPoliciesAnalyzer from './authorization-policies-analyzer.js';
import { requestPrincipalsAnalyzer } from './request-principals-analyzer.js';
import { tcpPortHttpRulesAnalyzer } from './tcp-port-http-rules-analyzer.js';

/** The auth analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [authorizationPoliciesAnalyzer, requestPrincipalsAnalyzer, tcpPortHttpRulesAnalyzer];
