import type { Analyzer } from '../../analysis/types.js';
import meshNetworksAnalyzer from './mesh-networks-analyzer.js';

/** The meshnetworks analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [meshNetworksAnalyzer];
