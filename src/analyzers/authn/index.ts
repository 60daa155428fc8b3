import type { Analyzer } from '../../analysis/types.js';

/** The authn analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
