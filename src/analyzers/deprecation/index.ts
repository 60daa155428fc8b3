import type { Analyzer } from '../../analysis/types.js';

/** The deprecation analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
