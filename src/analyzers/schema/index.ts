import type { Analyzer } from '../../analysis/types.js';

/** The schema analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
