import type { Analyzer } from '../../analysis/types.js';
import { multiClusterServiceAnalyzer } from './multi-cluster-service-analyzer.js';

/** The services analyzers (upstream's multicluster.ServiceAnalyzer), sorted by name. */
export const analyzers: readonly Analyzer[] = [multiClusterServiceAnalyzer];
