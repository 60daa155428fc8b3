import type { Analyzer } from '../../analysis/types.js';
import analyzer from './analyzer.js';
import multiServiceAnalyzer from './multi-service-analyzer.js';

/** The deployment-area analyzers (applicationUID.Analyzer lives here, as upstream), sorted by name. */
export const analyzers: readonly Analyzer[] = [analyzer, multiServiceAnalyzer];
