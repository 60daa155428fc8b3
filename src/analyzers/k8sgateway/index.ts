import type { Analyzer } from '../../analysis/types.js';
import crdVersion from './crd-version.js';
import selector from './selector.js';

/** The k8sgateway analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [crdVersion, selector];
