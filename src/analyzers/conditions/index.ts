import type { Analyzer } from '../../analysis/types.js';
import condition from './condition.js';

/** The conditions analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [condition];
