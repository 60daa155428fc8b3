import type { Analyzer } from '../../analysis/types.js';

/** The gateway analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
