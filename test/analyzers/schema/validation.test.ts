import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/analysis/engine.js';
import { runPipeline } from '../../../src/analysis/pipeline.js';
import { applyMeshConfig, defaultMeshConfig } from '../../../src/analysis/mesh-config.js';
import { allAnalyzers } from '../../../src/analyzers/index.js';
import { catalog } from '../../../src/messages/catalog.js';
import { parseText, type LoadedObject, type LoadProblem } from '../../../src/resources/loader.js';
import { expectGolden } from '../../helpers/golden.js';

/** The schema analyzers, as the registry lists them. */
const analyzers = allAnalyzers.filter((a) => a.name.startsWith('schema.'));
const FIXTURES = path.join(import.meta.dirname, '../../../fixtures/analyzers/schema');

interface Row {
  readonly code: string;
  readonly origin: string;
  readonly line: number;
}

interface Case {
  readonly name: string;
  readonly file: string;
  readonly mesh?: Record<string, unknown>;
  readonly expected: readonly Row[];
}

function analyze(file: string, mesh?: Record<string, unknown>): Diagnostic[] {
  const objects: LoadedObject[] = [];
  const problems: LoadProblem[] = [];
  parseText(readFileSync(file, 'utf8'), path.basename(file), objects, problems);
  const meshConfig = applyMeshConfig(defaultMeshConfig('istio-system'), mesh);
  const result = runPipeline({ objects, problems }, { allNamespaces: true, namespace: 'default', istioNamespace: 'istio-system', meshConfig, addDefaults: false, analyzers });
  expect(result.problems, 'fixture must parse').toEqual([]);
  return result.findings;
}

const row = (r: Row) => `${r.code} ${r.origin}:${r.line}`;

const CASES: readonly Case[] = [
  {
    name: 'VirtualService: unknown fields, oneOf, types, CEL durations, weights, subsets, ports, duplicate hosts, unreachable rule',
    file: 'virtualservice.yaml',
    expected: [
      { code: 'IST0106', origin: 'VirtualService shop/ledger', line: 69 },
      { code: 'IST0106', origin: 'VirtualService shop/ledger', line: 74 },
      { code: 'IST0106', origin: 'VirtualService shop/ledger', line: 76 },
      { code: 'IST0106', origin: 'VirtualService shop/ledger', line: 81 },
      { code: 'IST0106', origin: 'VirtualService shop/payments', line: 45 },
      { code: 'IST0106', origin: 'VirtualService shop/payments', line: 51 },
      { code: 'IST0106', origin: 'VirtualService shop/payments', line: 55 },
      { code: 'IST0106', origin: 'VirtualService shop/payments', line: 56 },
      { code: 'IST0106', origin: 'VirtualService shop/payments', line: 58 },
      { code: 'IST0106', origin: 'VirtualService shop/payments', line: 59 },
      { code: 'IST0130', origin: 'VirtualService shop/ledger', line: 77 },
    ],
  },
  {
    name: 'Gateway: missing port, HTTPS without TLS, bad host namespace, port range, protocol',
    file: 'gateway.yaml',
    expected: [
      { code: 'IST0106', origin: 'Gateway istio-ingress/partners', line: 37 },
      { code: 'IST0106', origin: 'Gateway istio-ingress/partners', line: 39 },
      { code: 'IST0106', origin: 'Gateway istio-ingress/partners', line: 44 },
      { code: 'IST0106', origin: 'Gateway istio-ingress/partners', line: 46 },
      { code: 'IST0106', origin: 'Gateway istio-ingress/partners', line: 48 },
    ],
  },
  {
    name: 'DestinationRule: null field pruned, duplicate and invalid subset names, oneOf, durations, unknown field',
    file: 'destinationrule.yaml',
    expected: [
      { code: 'IST0106', origin: 'DestinationRule shop/inventory', line: 49 },
      { code: 'IST0106', origin: 'DestinationRule shop/inventory', line: 55 },
      { code: 'IST0106', origin: 'DestinationRule shop/inventory', line: 56 },
      { code: 'IST0106', origin: 'DestinationRule shop/inventory', line: 59 },
      { code: 'IST0106', origin: 'DestinationRule shop/ledger', line: 34 },
      { code: 'IST0106', origin: 'DestinationRule shop/ledger', line: 37 },
    ],
  },
  {
    name: 'ServiceEntry: CEL rules (wildcard host, CIDR with DNS, duplicate ports, UDS path)',
    file: 'serviceentry.yaml',
    expected: [
      { code: 'IST0106', origin: 'ServiceEntry shop/legacy-db', line: 21 },
      { code: 'IST0106', origin: 'ServiceEntry shop/legacy-db', line: 23 },
      { code: 'IST0106', origin: 'ServiceEntry shop/legacy-db', line: 26 },
      { code: 'IST0106', origin: 'ServiceEntry shop/legacy-db', line: 35 },
      { code: 'IST0106', origin: 'ServiceEntry shop/static-endpoints', line: 42 },
    ],
  },
  {
    name: 'apiVersions the CRDs do not serve',
    file: 'apiversion.yaml',
    expected: [
      { code: 'ITS0004', origin: 'AuthorizationPolicy shop/retired-version', line: 27 },
      { code: 'ITS0004', origin: 'VirtualService shop/from-the-future', line: 14 },
    ],
  },
  {
    name: 'security kinds: CUSTOM without provider, CEL on sources, port-level mTLS, JWT rules',
    file: 'security.yaml',
    expected: [
      { code: 'IST0106', origin: 'AuthorizationPolicy shop/ext-authz', line: 25 },
      { code: 'IST0106', origin: 'AuthorizationPolicy shop/ext-authz', line: 29 },
      { code: 'IST0106', origin: 'AuthorizationPolicy shop/ext-authz', line: 31 },
      { code: 'IST0106', origin: 'PeerAuthentication shop/strict-except-metrics', line: 40 },
      { code: 'IST0106', origin: 'PeerAuthentication shop/strict-except-metrics', line: 43 },
      { code: 'IST0106', origin: 'RequestAuthentication shop/jwt', line: 56 },
      { code: 'IST0106', origin: 'RequestAuthentication shop/jwt', line: 59 },
      { code: 'IST0106', origin: 'RequestAuthentication shop/jwt', line: 59 },
    ],
  },
  {
    name: 'extensions: free-form EnvoyFilter patch accepted (with istioctl\'s standing warning), WasmPlugin CEL, Sidecar hosts',
    file: 'extensions.yaml',
    expected: [
      { code: 'IST0133', origin: 'EnvoyFilter shop/add-header', line: 1 },
      { code: 'IST0106', origin: 'Sidecar shop/default', line: 53 },
      { code: 'IST0106', origin: 'WasmPlugin shop/rate-limit', line: 33 },
      { code: 'IST0106', origin: 'WasmPlugin shop/rate-limit', line: 40 },
    ],
  },
  {
    name: 'mesh config: bad durations and enums have no origin',
    file: 'apiversion.yaml',
    mesh: { connectTimeout: '10', outboundTrafficPolicy: { mode: 'DENY_ALL' } },
    expected: [
      { code: 'IST0106', origin: '', line: 0 },
      { code: 'IST0106', origin: '', line: 0 },
      { code: 'ITS0004', origin: 'AuthorizationPolicy shop/retired-version', line: 27 },
      { code: 'ITS0004', origin: 'VirtualService shop/from-the-future', line: 14 },
    ],
  },
];

describe('schema.ValidationAnalyzer', () => {
  it('registers one analyzer per Istio CRD kind plus MeshConfig and MeshNetworks, sorted, each declaring what it emits', () => {
    const names = analyzers.map((a) => a.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('schema.ValidationAnalyzer.Gateway');
    expect(names).toContain('schema.ValidationAnalyzer.MeshConfig');
    expect(names).toContain('schema.ValidationAnalyzer.MeshNetworks');
    expect(names.length).toBe(17);
    for (const a of analyzers) for (const m of a.messages) expect(catalog.byName(m).name).toBe(m);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const keys = c.expected.map(row);
    const diags = analyze(path.join(FIXTURES, c.file), c.mesh);
    const text = diags.map((d) => `${d.level} [${d.code}] (${d.origin}) ${d.reference} ${d.message}\n`).sort().join('');
    expectGolden(path.join(FIXTURES, `${path.basename(c.file, '.yaml')}${c.mesh ? '.mesh' : ''}.golden.txt`), text);
    expect(diags.map((d) => row({ code: d.code, origin: d.origin, line: d.line ?? 0 })).sort()).toEqual([...keys].sort());
  });
});
