import type { Analyzer } from '../../analysis/types.js';

/** The k8sgateway analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
