import type { Analyzer } from '../../analysis/types.js';
import envoyPatch from './envoy-patch.js';

/** The envoyfilter analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [envoyPatch];
