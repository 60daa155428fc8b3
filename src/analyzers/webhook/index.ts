import type { Analyzer } from '../../analysis/types.js';
import analyzer from './analyzer.js';

/** The webhook analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [analyzer];
