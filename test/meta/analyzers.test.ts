import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allAnalyzers } from '../../src/analyzers/index.js';
import { catalog } from '../../src/messages/catalog.js';
import { kindInfo } from '../../src/resources/kinds.js';

/** istioctl's analyzers.All() (upstream metadata names), which istio-ts mirrors one for one. */
const UPSTREAM = [
  'annotations.K8sAnalyzer',
  'applicationUID.Analyzer',
  'auth.AuthorizationPoliciesAnalyzer',
  'authn.BlockedCIDRsAnalyzer',
  'conditions.ConditionAnalyzer',
  'deployment.MultiServiceAnalyzer',
  'deprecation.DeprecationAnalyzer',
  'destinationrule.CaCertificateAnalyzer',
  'destinationrule.SubsetSelectPodAnalyzer',
  'envoyfilter.EnvoyPatchAnalyzer',
  'externalcontrolplane.ExternalControlPlaneAnalyzer',
  'gateway.CertificateAnalyzer',
  'gateway.ConflictingGatewayAnalyzer',
  'gateway.IngressGatewayPortAnalyzer',
  'gateway.SecretAnalyzer',
  'injection.Analyzer',
  'injection.ImageAnalyzer',
  'injection.ImageAutoAnalyzer',
  'k8sgateway.CRDVersionAnalyzer',
  'k8sgateway.SelectorAnalyzer',
  'meshnetworks.MeshNetworksAnalyzer',
  'schema.ValidationAnalyzer.MeshNetworks',
  'service.PortNameAnalyzer',
  'serviceentry.Analyzer',
  'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  'services.MultiClusterServiceAnalyzer',
  'sidecar.SelectorAnalyzer',
  'telemetry.DefaultSelectorAnalyzer',
  'telemetry.LightstepAnalyzer',
  'telemetry.ProviderAnalyzer',
  'telemetry.SelectorAnalyzer',
  'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  'virtualservice.DestinationHostAnalyzer',
  'virtualservice.DestinationRuleAnalyzer',
  'virtualservice.GatewayAnalyzer',
  'virtualservice.JWTClaimRouteAnalyzer',
  'webhook.Analyzer',
];

const testDir = path.join(import.meta.dirname, '../analyzers');
const testText = readdirSync(testDir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(path.join(testDir, f), 'utf8'))
  .join('\n');

describe('analyzer registry', () => {
  const names = allAnalyzers.map((a) => a.name);

  it('is sorted by name, without duplicates', () => {
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it("has every analyzer istioctl runs, under upstream's name", () => {
    for (const n of UPSTREAM) expect(names, n).toContain(n);
    expect(names.filter((n) => n.startsWith('schema.ValidationAnalyzer.')).length).toBeGreaterThanOrEqual(15);
  });

  it.each(allAnalyzers.map((a) => [a.name, a] as const))('%s is described, reads known kinds and declares catalog messages', (_n, a) => {
    expect(a.description.length).toBeGreaterThan(10);
    for (const k of [...a.inputs, ...(a.optionalInputs ?? [])]) expect(kindInfo(k), `${a.name} reads unknown kind ${k}`).toBeDefined();
    expect(a.messages.length).toBeGreaterThan(0);
    for (const m of a.messages) expect(() => catalog.byName(m)).not.toThrow();
  });

  it.each(UPSTREAM)('%s has a test that names it', (n) => {
    expect(testText.includes(`'${n}'`), `no test under test/analyzers names '${n}'`).toBe(true);
  });

  // istio-ts's own analyzers (those emitting only ITS codes) are tested and named after their file too.
  const own = allAnalyzers.filter((a) => a.messages.every((m) => catalog.byName(m).code.startsWith('ITS')));
  it.each(own.map((a) => [a.name, a] as const))('istio-ts analyzer %s has a table test and a file named after it', (n, a) => {
    expect(testText.includes(`'${n}'`), `no test under test/analyzers names '${n}'`).toBe(true);
    const [area, type] = n.split('.') as [string, string];
    const file = type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase();
    const src = path.join(import.meta.dirname, '../../src/analyzers', area, `${file}.ts`);
    expect(readFileSync(src, 'utf8'), `${src} must define ${n}`).toContain(`name: '${n}'`);
    expect(a.description.length).toBeGreaterThan(10);
  });

  it('declares every ITS finding (except the loader and engine ones) in exactly one analyzer', () => {
    const engine = new Set(['ITS0001', 'ITS0002', 'ITS0003', 'ITS0004', 'ITS0021']);
    const owners = new Map<string, string[]>();
    for (const a of allAnalyzers) for (const m of a.messages) {
      const code = catalog.byName(m).code;
      if (code.startsWith('ITS')) owners.set(code, [...(owners.get(code) ?? []), a.name]);
    }
    for (const m of catalog.all.filter((x) => x.code.startsWith('ITS') && !engine.has(x.code))) {
      expect(owners.get(m.code), `${m.code} ${m.name}`).toHaveLength(1);
    }
  });
});
