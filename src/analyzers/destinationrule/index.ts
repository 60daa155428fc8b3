import type { Analyzer } from '../../analysis/types.js';

/** The destinationrule analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
