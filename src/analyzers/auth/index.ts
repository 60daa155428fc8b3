import type { Analyzer } from '../../analysis/types.js';
import authorizationPoliciesAnalyzer from './authorization-policies-analyzer.js';

/** The auth analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [authorizationPoliciesAnalyzer];
