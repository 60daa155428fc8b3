import type { Analyzer } from '../../analysis/types.js';

/** The virtualservice analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
