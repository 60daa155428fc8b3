import type { Analyzer } from '../../analysis/types.js';
import blockedCidrsAnalyzer from './blocked-cidrs-analyzer.js';
import { strictMtlsClientsAnalyzer } from './strict-mtls-clients-analyzer.js';

/** The authn analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [blockedCidrsAnalyzer, strictMtlsClientsAnalyzer];
