import type { Analyzer } from '../../analysis/types.js';

/** The sidecar analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
