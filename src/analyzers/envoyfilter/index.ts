import type { Analyzer } from '../../analysis/types.js';

/** The envoyfilter analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
