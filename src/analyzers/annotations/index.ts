import type { Analyzer } from '../../analysis/types.js';
import k8sAnalyzer from './k8s-analyzer.js';

/** The annotations analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [k8sAnalyzer];
