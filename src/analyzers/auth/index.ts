import type { Analyzer } from '../../analysis/types.js';

/** The auth analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
