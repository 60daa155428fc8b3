import type { Analyzer } from '../../analysis/types.js';
import { apiVersionAnalyzer } from './api-version-analyzer.js';
import { resourceQuantityAnalyzer } from './resource-quantity-analyzer.js';
import { selectorAnalyzer } from './selector-analyzer.js';

/**
 * The workload analyzers (istio-ts's own: Kubernetes basics that break injection or routing),
 * sorted by name.
 */
export const analyzers: readonly Analyzer[] = [apiVersionAnalyzer, resourceQuantityAnalyzer, selectorAnalyzer];
