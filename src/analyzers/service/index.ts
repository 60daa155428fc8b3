import type { Analyzer } from '../../analysis/types.js';

/** The service analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
