import type { Analyzer } from '../../analysis/types.js';
import analyzer from './analyzer.js';
import imageAnalyzer from './image-analyzer.js';
import imageAutoAnalyzer from './image-auto-analyzer.js';

/** The injection analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [analyzer, imageAnalyzer, imageAutoAnalyzer];
