import type { Analyzer } from '../../analysis/types.js';
import defaultSelector from './default-selector.js';
import lightstep from './lightstep.js';
import provider from './provider.js';
import selector from './selector.js';

/** The telemetry analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [defaultSelector, lightstep, provider, selector];
