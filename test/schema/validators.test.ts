import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crdBundle, CRD_DATA_URL } from '../../src/schema/crds.js';
import { toAjvSchema } from '../../src/schema/structural.js';
import { validateIstioObject } from '../../src/schema/validate.js';
import { listMapDuplicates, validatorIndex, VALIDATORS_URL } from '../../src/schema/validator.js';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const REGENERATE = 'out of date: run `node scripts/gen-validators.mjs` and commit data/validators';

describe('data/validators (precompiled by scripts/gen-validators.mjs)', () => {
  const index = validatorIndex();

  it('was generated from the shipped CRD data', () => {
    expect(index.source.sha256, REGENERATE).toBe(sha256(readFileSync(CRD_DATA_URL)));
  });

  it('has a validator for exactly the served versions, compiled from the schema toAjvSchema gives today', () => {
    const want: Record<string, Record<string, { schemaSha256: string; deprecated?: boolean; deprecationWarning?: string }>> = {};
    for (const crd of crdBundle().crds) {
      const versions: (typeof want)[string] = {};
      for (const v of crd.versions.filter((x) => x.served)) {
        versions[v.name] = {
          schemaSha256: sha256(JSON.stringify(toAjvSchema(v.schema))),
          ...(v.deprecated !== undefined ? { deprecated: v.deprecated } : {}),
          ...(v.deprecationWarning !== undefined ? { deprecationWarning: v.deprecationWarning } : {}),
        };
      }
      want[`${crd.group}/${crd.kind}`] = versions;
    }
    const got = Object.fromEntries(
      Object.entries(index.kinds).map(([k, vs]) => [k, Object.fromEntries(Object.entries(vs).map(([n, { module: _m, ...rest }]) => [n, rest]))]),
    );
    expect(got, REGENERATE).toEqual(want);
    for (const [k, vs] of Object.entries(index.kinds)) expect(Object.keys(vs), `${k} version order`).toEqual(Object.keys(want[k]!));
  });

  it('every module is ASCII (src/schema/validator.ts reads them as latin1)', () => {
    for (const f of readdirSync(fileURLToPath(VALIDATORS_URL)).filter((x) => x.endsWith('.cjs'))) {
      const at = readFileSync(new URL(f, VALIDATORS_URL)).findIndex((b) => b > 0x7f);
      expect(at, `${f}: non-ASCII byte at ${at}; scripts/gen-validators.mjs must escape it`).toBe(-1);
    }
  });

  it('holds one module per distinct schema and nothing else', () => {
    const modules = new Map<string, string>();
    for (const vs of Object.values(index.kinds)) for (const v of Object.values(vs)) modules.set(v.schemaSha256, v.module);
    expect(new Set(modules.values()).size).toBe(modules.size);
    const files = readdirSync(fileURLToPath(VALIDATORS_URL)).sort();
    expect(files).toEqual([...modules.values(), 'index.json'].sort());
  });

  // Every module loads (including the ajv runtime helpers it requires) and closes the spec.
  it.each(Object.entries(index.kinds).flatMap(([gk, vs]) => Object.keys(vs).map((v) => [gk, v] as const)))('%s %s rejects an unknown spec field', (gk, version) => {
    const [group, kind] = gk.split('/') as [string, string];
    const found = validateIstioObject({ apiVersion: `${group}/${version}`, kind, metadata: { name: 'x' }, spec: { notAField: true } });
    expect(found.map((f) => String(f.args[0]))).toContain('spec: unknown field "notAField"');
  });
});

describe('keyword code in the generated validators', () => {
  const obj = (apiVersion: string, kind: string, spec: unknown) => ({ apiVersion, kind, metadata: { name: 'x' }, spec });
  it.each([
    [
      'x-kubernetes-list-map-keys: ServiceEntry ports are keyed by name',
      obj('networking.istio.io/v1', 'ServiceEntry', {
        hosts: ['db.example.com'],
        resolution: 'DNS',
        ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }, { number: 5433, name: 'tcp', protocol: 'TCP' }],
      }),
      ['spec.ports: duplicate entry [1] with name="tcp" (first at [0])'],
    ],
    [
      'x-kubernetes-list-map-keys on a nested list: WasmPlugin match ports by number',
      obj('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://registry.example.com/filters/auth:1', match: [{ ports: [{ number: 8080 }, { number: 8080 }] }] }),
      ['spec.match[0].ports: duplicate entry [1] with number=8080 (first at [0])'],
    ],
    [
      'a oneOf inside a shared subschema (a subset traffic policy) names its fields',
      obj('networking.istio.io/v1', 'DestinationRule', {
        host: 'ledger',
        subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'RANDOM', consistentHash: { useSourceIp: true } } }] } }],
      }),
      ['spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer: only one of simple, consistentHash, backendUtilization may be set'],
    ],
    [
      'CEL rules on map values and keys',
      obj('security.istio.io/v1', 'AuthorizationPolicy', { selector: { matchLabels: { 'app*': 'web' } } }),
      ['spec.selector.matchLabels: wildcard not allowed in label key match'],
    ],
  ] as const)('%s', (_n, o, expected) => {
    expect(validateIstioObject(o).map((f) => String(f.args[0]))).toEqual(expected);
  });
});

describe('listMapDuplicates', () => {
  it.each([
    ['no duplicates', [{ name: 'a' }, { name: 'b' }], ['name'], []],
    ['a duplicate, reported at the later item', [{ name: 'a' }, { name: 'b' }, { name: 'a' }], ['name'], [{ index: 2, message: 'duplicate entry [2] with name="a" (first at [0])' }]],
    ['a missing key counts as null', [{ port: 1 }, { port: 2 }], ['name'], [{ index: 1, message: 'duplicate entry [1] with name=null (first at [0])' }]],
    ['compound keys', [{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 1, b: 1 }], ['a', 'b'], [{ index: 2, message: 'duplicate entry [2] with a=1, b=1 (first at [0])' }]],
    ['non-object items are left to the type check', [1, 1, null], ['name'], []],
    ['not a list', { name: 'a' }, ['name'], []],
  ] as const)('%s', (_n, items, keys, expected) => expect(listMapDuplicates(items, keys)).toEqual(expected));
});
