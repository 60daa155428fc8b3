import type { Analyzer } from '../../analysis/types.js';

/** The meshnetworks analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
