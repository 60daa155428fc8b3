import type { Analyzer } from '../../analysis/types.js';
import { containerPortAnalyzer } from './container-port-analyzer.js';
import { headlessPortAnalyzer } from './headless-port-analyzer.js';
import portNameAnalyzer from './port-name-analyzer.js';

/** The service analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [containerPortAnalyzer, headlessPortAnalyzer, portNameAnalyzer];
