import type { Analyzer } from '../../analysis/types.js';

/** The deployment analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
