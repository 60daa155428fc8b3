import type { Analyzer } from '../../analysis/types.js';

/** The conditions analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
