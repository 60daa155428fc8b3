import type { Analyzer } from '../../analysis/types.js';
import externalControlPlaneAnalyzer from './external-control-plane-analyzer.js';

/** The externalcontrolplane analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [externalControlPlaneAnalyzer];
