import type { Analyzer } from '../../analysis/types.js';
import { deprecationAnalyzer } from './deprecation-analyzer.js';

/** The deprecation analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [deprecationAnalyzer];
