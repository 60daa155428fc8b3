import type { Analyzer } from '../../analysis/types.js';
import portNameAnalyzer from './port-name-analyzer.js';

/** The service analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [portNameAnalyzer];
