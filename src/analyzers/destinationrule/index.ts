import type { Analyzer } from '../../analysis/types.js';
import { caCertificateAnalyzer } from './ca-certificate-analyzer.js';
import { subsetSelectPodAnalyzer } from './subset-select-pod-analyzer.js';

/** The destinationrule analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [caCertificateAnalyzer, subsetSelectPodAnalyzer];
