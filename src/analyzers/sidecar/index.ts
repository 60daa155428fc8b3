import type { Analyzer } from '../../analysis/types.js';
import selector from './selector.js';

/** The sidecar analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [selector];
