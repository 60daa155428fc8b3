import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { strictMtlsClientsAnalyzer } from '../../../src/analyzers/authn/strict-mtls-clients-analyzer.js';
import { analyzeFiles, analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const folder = path.join(FIXTURES, 'authn/strict-mtls-clients-analyzer');

describe('authn.StrictMtlsClientsAnalyzer', () => {
  analyzerTable(strictMtlsClientsAnalyzer, folder, [
    {
      name: 'namespace STRICT with an opted-out CronJob its NetworkPolicy admits; PERMISSIVE namespace without sidecars passes',
      files: ['clients.yaml'],
      expected: [{ code: 'ITS0006', origin: 'PeerAuthentication shop/default' }],
    },
    {
      name: 'namespace STRICT and sidecar-less pods of another namespace that nothing keeps out',
      files: ['cross-namespace.yaml'],
      expected: [{ code: 'ITS0006', origin: 'PeerAuthentication shop/default' }],
    },
    {
      name: 'mesh-wide STRICT with a namespace that is not injected',
      files: ['mesh-wide.yaml'],
      expected: [{ code: 'ITS0006', origin: 'PeerAuthentication istio-system/default' }],
    },
    {
      name: 'NetworkPolicies decide who can reach: admitted namespaces are clients, kept-out ones and deny-all are not',
      files: ['network-policy.yaml'],
      expected: [{ code: 'ITS0006', origin: 'PeerAuthentication payments/default' }],
    },
  ]);

  it('says why each pod is a client', () => {
    const byFile = (f: string) => analyzeFiles(strictMtlsClientsAnalyzer, [path.join(folder, f)]).map((d) => d.message).sort();
    expect(byFile('clients.yaml')).toEqual([
      'STRICT mTLS here rejects plaintext, but namespace shop has pods without a sidecar (cronjob/nightly-report can reach deployment/orders in its namespace: NetworkPolicy shop/same-namespace admits it): their requests to workloads under this policy are reset',
    ]);
    expect(byFile('cross-namespace.yaml')).toEqual([
      'STRICT mTLS here rejects plaintext, but namespace tools has pods without a sidecar (deployment/debug can reach deployment/orders: no NetworkPolicy restricts ingress to it): their requests to workloads under this policy are reset',
    ]);
    expect(byFile('network-policy.yaml')).toEqual([
      'STRICT mTLS here rejects plaintext, but namespace monitoring has pods without a sidecar (deployment/scraper can reach deployment/ledger: NetworkPolicy payments/from-payments-and-monitoring admits it): their requests to workloads under this policy are reset',
    ]);
  });
});
