import type { Analyzer } from '../../analysis/types.js';

/** The externalcontrolplane analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
