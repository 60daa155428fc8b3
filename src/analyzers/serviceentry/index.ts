import type { Analyzer } from '../../analysis/types.js';

/** The serviceentry analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
