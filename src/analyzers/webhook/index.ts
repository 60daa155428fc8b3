import type { Analyzer } from '../../analysis/types.js';

/** The webhook analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
