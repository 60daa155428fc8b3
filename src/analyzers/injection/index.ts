import type { Analyzer } from '../../analysis/types.js';

/** The injection analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
