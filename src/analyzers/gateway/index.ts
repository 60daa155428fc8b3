import type { Analyzer } from '../../analysis/types.js';
import certificate from './certificate.js';
import conflictingGateway from './conflicting-gateway.js';
import ingressGatewayPort from './ingress-gateway-port.js';
import secret from './secret.js';

/** The gateway analyzers, sorted by name. */
export const analyzers: readonly Analyzer[] = [certificate, conflictingGateway, ingressGatewayPort, secret];
