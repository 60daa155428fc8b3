import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analysis/types.js';
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

const srcDir = path.join(import.meta.dirname, '../../src/analyzers');

/**
 * Where `<area>.<Type>[.<Kind>]` lives: src/analyzers/<area, lower case>/<file>.ts, where the file,
 * without dashes, spells Type (or Type without its "Analyzer" suffix) in lower case:
 * virtualservice.GatewayAnalyzer → virtualservice/gateway-analyzer.ts, conditions.ConditionAnalyzer
 * → conditions/condition.ts, schema.ValidationAnalyzer.Gateway → schema/validation.ts.
 */
function fileMatchesName(file: string, name: string): boolean {
  const [area, type] = name.split('.') as [string, string | undefined];
  const rel = path.relative(srcDir, file).split(path.sep);
  if (!type || rel.length !== 2 || rel[0] !== area.toLowerCase()) return false;
  const base = rel[1]!.replace(/\.ts$/, '');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(base)) return false;
  const want = type.toLowerCase();
  const have = base.replace(/-/g, '');
  return have === want || `${have}analyzer` === want;
}

/** Analyzer files: every .ts under src/analyzers/<area>/ (util/ holds helpers shared by areas). */
const analyzerFiles = readdirSync(srcDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'util')
  .flatMap((d) => readdirSync(path.join(srcDir, d.name)).map((f) => path.join(srcDir, d.name, f)))
  .filter((f) => f.endsWith('.ts'))
  .sort();

const isAnalyzer = (v: unknown): v is Analyzer =>
  typeof v === 'object' && v !== null && typeof (v as Analyzer).name === 'string' && typeof (v as Analyzer).analyze === 'function';

/** The analyzers each file defines: exported ones, and for factories the registered analyzers whose name the file spells. */
const defined = await Promise.all(
  analyzerFiles.map(async (file) => {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const exported = Object.values(mod).filter(isAnalyzer);
    const text = readFileSync(file, 'utf8');
    // A factory (schema.ValidationAnalyzer.<Kind>) spells its names as `<area>.<Type>.${…}`.
    const fromFactory = allAnalyzers.filter((a) => {
      const prefix = a.name.split('.').slice(0, 2).join('.');
      return !exported.some((e) => e.name === a.name) && text.includes(`name: \`${prefix}.\${`);
    });
    return { file, exported, fromFactory, definesAny: text.includes('defineAnalyzer(') };
  }),
);

describe('analyzer registry', () => {
  const names = allAnalyzers.map((a) => a.name);

  // The registry lists analyzers one per line in src/analyzers/index.ts and never sorts them at
  // run time, so this reviews the order as written in the source.
  it('is sorted by name in the source, without duplicates', () => {
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    const source = readFileSync(path.join(srcDir, 'index.ts'), 'utf8');
    expect(source, 'the registry must not sort itself').not.toMatch(/\.sort\(/);
  });

  it.each(defined.filter((d) => d.definesAny).map((d) => [path.relative(srcDir, d.file), d] as const))(
    '%s: every analyzer it defines is registered and named after the file',
    (_f, d) => {
      const mine = [...d.exported, ...d.fromFactory];
      expect(mine.length, `${d.file} calls defineAnalyzer but exports no analyzer`).toBeGreaterThan(0);
      for (const a of mine) {
        expect(allAnalyzers, `${a.name} (${d.file}) is not in src/analyzers/index.ts`).toContain(a);
        expect(fileMatchesName(d.file, a.name), `${a.name} must live in a file named after it, not ${d.file}`).toBe(true);
      }
    },
  );

  it('has no registered analyzer that no analyzer file defines', () => {
    const found = new Set(defined.flatMap((d) => [...d.exported, ...d.fromFactory].map((a) => a.name)));
    expect(names.filter((n) => !found.has(n))).toEqual([]);
  });

  it.each([
    ['virtualservice/gateway-analyzer.ts', 'virtualservice.GatewayAnalyzer', true],
    ['conditions/condition.ts', 'conditions.ConditionAnalyzer', true],
    ['applicationuid/analyzer.ts', 'applicationUID.Analyzer', true],
    ['authn/blocked-cidrs-analyzer.ts', 'authn.BlockedCIDRsAnalyzer', true],
    ['schema/validation.ts', 'schema.ValidationAnalyzer.Gateway', true],
    ['deployment/analyzer.ts', 'applicationUID.Analyzer', false],
    ['virtualservice/gateway.ts', 'virtualservice.DestinationRuleAnalyzer', false],
    ['virtualservice/Gateway.ts', 'virtualservice.GatewayAnalyzer', false],
    ['gateway/gateway-analyzer.ts', 'virtualservice.GatewayAnalyzer', false],
  ])('file name rule: %s ↔ %s is %s', (file, name, ok) => {
    expect(fileMatchesName(path.join(srcDir, file), name)).toBe(ok);
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
