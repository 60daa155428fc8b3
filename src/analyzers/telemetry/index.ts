import type { Analyzer } from '../../analysis/types.js';

/** The telemetry analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [];
