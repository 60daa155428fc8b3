import type { Analyzer } from '../../analysis/types.js';

/** The annotations analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
