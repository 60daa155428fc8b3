import type { Analyzer } from '../../analysis/types.js';
import { caCertificateAnalyzer } from './ca-certificate-analyzer.js';
import { outlierDetectionAnalyzer } from './outlier-detection-analyzer.js';
import { subsetPolicyAnalyzer } from './subset-policy-analyzer.js';
import { subsetSelectPodAnalyzer } from './subset-select-pod-analyzer.js';
import { tlsModeConflictAnalyzer } from './tls-mode-conflict-analyzer.js';

/** The destinationrule analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [caCertificateAnalyzer, outlierDetectionAnalyzer, subsetPolicyAnalyzer, subsetSelectPodAnalyzer, tlsModeConflictAnalyzer];
