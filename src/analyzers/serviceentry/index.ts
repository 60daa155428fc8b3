import type { Analyzer } from '../../analysis/types.js';
import { analyzer } from './analyzer.js';
import { conflictingServiceEntryProtocolAnalyzer } from './conflicting-service-entry-protocol-analyzer.js';

/** The serviceentry analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [analyzer, conflictingServiceEntryProtocolAnalyzer];
