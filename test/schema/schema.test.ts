import { describe, expect, it } from 'vitest';
import { celCheck } from '../../src/schema/cel.js';
import { crdBundle, type StructuralSchema } from '../../src/schema/crds.js';
import { parseDuration } from '../../src/schema/duration.js';
import { toAjvSchema } from '../../src/schema/structural.js';
import { formatPath, withoutNulls } from '../../src/schema/validator.js';
import { analyzeUnreachableRules } from '../../src/schema/virtualservice-rules.js';
import { validateIstioObject } from '../../src/schema/validate.js';

function celRules(s: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(s)) s.forEach((x) => celRules(x, out));
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      if (k === 'x-kubernetes-validations') for (const r of v as { rule: string }[]) out.add(r.rule);
      else celRules(v, out);
    }
  }
  return out;
}

describe('CRD data', () => {
  it('ships the 15 Istio CRDs with everything needed to re-emit them', () => {
    const b = crdBundle();
    expect(b.crds.map((c) => c.kind).sort()).toEqual([
      'AuthorizationPolicy', 'DestinationRule', 'EnvoyFilter', 'Gateway', 'PeerAuthentication', 'ProxyConfig',
      'RequestAuthentication', 'ServiceEntry', 'Sidecar', 'Telemetry', 'TrafficExtension', 'VirtualService',
      'WasmPlugin', 'WorkloadEntry', 'WorkloadGroup',
    ]);
    for (const c of b.crds) {
      expect(c.name).toBe(`${c.plural}.${c.group}`);
      expect(c.names.kind).toBe(c.kind);
      expect(c.versions.filter((v) => v.storage)).toHaveLength(1);
      for (const v of c.versions) expect(v.schema.type).toBe('object');
    }
  });

  it('has a JS translation for every CEL rule the CRDs carry', () => {
    const rules = celRules(crdBundle().crds, new Set());
    expect(rules.size).toBeGreaterThan(30);
    expect([...rules].filter((r) => !celCheck(r))).toEqual([]);
  });
});

describe('parseDuration (Go/CEL durations)', () => {
  it.each([
    ['1ms', 1e6], ['2.5s', 2.5e9], ['1h2m3s', 3723e9], ['0', 0], ['-1s', -1e9], ['100us', 1e5], ['.5s', 5e8],
    ['5', undefined], ['', undefined], ['1d', undefined], ['s', undefined], ['1 s', undefined],
  ] as const)('%s', (s, ns) => expect(parseDuration(s)).toBe(ns));
});

describe('CEL translations', () => {
  it.each([
    ["duration(self) >= duration('1ms')", '500us', false],
    ["duration(self) >= duration('1ms')", '1ms', true],
    ['0 < self && self <= 65535', 0, false],
    ['0 < self && self <= 65535', 443, true],
    ['self.all(l1, self.exists_one(l2, l1.number == l2.number))', [{ number: 80 }, { number: 80 }], false],
    ['self.all(l1, self.exists_one(l2, l1.number == l2.number))', [{ number: 80 }, { number: 443 }], true],
    ['self.all(key, 0 < int(key) && int(key) <= 65535)', { '8080': {} }, true],
    ['self.all(key, 0 < int(key) && int(key) <= 65535)', { http: {} }, false],
    ['url(self).getScheme() in ["http", "https"]', 'https://idp.example.com/jwks', true],
    ['url(self).getScheme() in ["http", "https"]', 'file:///jwks', false],
  ] as const)('%s on %j → %s', (rule, self, ok) => expect(celCheck(rule)!(self)).toBe(ok));
});

describe('structural schema translation', () => {
  const schema: StructuralSchema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true },
          patch: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
  it('closes objects, keeps free-form ones open, accepts int-or-string', () => {
    const s = toAjvSchema(schema) as { properties: { spec: { additionalProperties: unknown; properties: Record<string, Record<string, unknown>> } } };
    expect(s.properties.spec.additionalProperties).toBe(false);
    expect(s.properties.spec.properties.port!.type).toEqual(['integer', 'string']);
    expect(s.properties.spec.properties.patch!.additionalProperties).toBeUndefined();
    expect(s.properties.spec.properties.labels!.additionalProperties).toEqual({ type: 'string' });
  });

  it('drops nulls the way the API server prunes them, copying only what changes', () => {
    const shared = { a: 1 };
    const input = { spec: { tls: null, keep: shared, list: [null, 1] } };
    const out = withoutNulls(input) as { spec: Record<string, unknown> };
    expect(out).toEqual({ spec: { keep: { a: 1 }, list: [null, 1] } });
    expect(out.spec.keep).toBe(shared);
    expect(input.spec.tls).toBeNull();
  });

  it.each([
    [['spec', 'http', 0, 'route', 1, 'destination'], 'spec.http[0].route[1].destination'],
    [['spec', 'selector', 'matchLabels', 'app.kubernetes.io/name'], 'spec.selector.matchLabels[app.kubernetes.io/name]'],
    [[], ''],
  ] as const)('formatPath %j', (p, s) => expect(formatPath(p)).toBe(s));
});

describe('validateIstioObject', () => {
  const vs = (spec: unknown, apiVersion = 'networking.istio.io/v1') => ({ apiVersion, kind: 'VirtualService', metadata: { name: 'x' }, spec });
  it.each([
    ['a valid route', vs({ hosts: ['r'], http: [{ route: [{ destination: { host: 'r' } }] }] }), []],
    ['an unknown field, by path', vs({ hosts: ['r'], http: [{ route: [{ destination: { hots: 'r' } }] }] }), [
      'SchemaValidationError spec.http[0].route[0].destination: missing required field "host"',
      'SchemaValidationError spec.http[0].route[0].destination: unknown field "hots"',
    ]],
    ['an unserved apiVersion', vs({ hosts: ['r'] }, 'networking.istio.io/v1alpha1'), ['UnsupportedApiVersion networking.istio.io/v1alpha1']],
    ['a string port is a type error, not also a range error', vs({ hosts: ['r'], http: [{ route: [{ destination: { host: 'r', port: { number: '80' } } }] }] }), [
      'SchemaValidationError spec.http[0].route[0].destination.port.number: must be of type integer, got string "80"',
    ]],
  ] as const)('%s', (_n, obj, expected) => {
    const got = validateIstioObject(obj).map((f) => `${f.message} ${String(f.args[0])}`);
    expect(got).toEqual(expected);
  });
});

describe('analyzeUnreachableRules (upstream analyzeUnreachableHTTPRules)', () => {
  it.each([
    ['a catch-all last is fine', [{ match: [{ uri: { prefix: '/a' } }] }, {}], []],
    ['a rule after a catch-all is unreachable', [{}, { match: [{ uri: { prefix: '/a' } }] }], ['unreachable #1 route without matches defined before']],
    ['two catch-alls', [{}, {}], ['unreachable #1 only the last rule can have no matches']],
    ['a duplicate match ignores match names', [{ name: 'a', match: [{ name: 'm', uri: { exact: '/x' } }] }, { match: [{ uri: { exact: '/x' } }] }], [
      'ineffective #1 #0 "a"',
      'unreachable #1 all matches used by prior rules',
    ]],
    ['a longer prefix after a shorter one with the same method is covered', [{ match: [{ uri: { prefix: '/api' } }] }, { match: [{ uri: { prefix: '/api/v1' }, method: { exact: 'GET' } }] }], [
      'ineffective #1 #0 of prefix /api/v1 #0 of prefix /api on #0',
    ]],
    ['a different port is not covered', [{ match: [{ uri: { prefix: '/api' } }] }, { match: [{ uri: { prefix: '/api/v1' }, port: 8080 }] }], []],
  ] as const)('%s', (_n, routes, expected) => {
    const got = analyzeUnreachableRules(routes, true).map((f) =>
      f.kind === 'unreachable' ? `unreachable ${f.ruleno} ${f.reason}` : `ineffective ${f.ruleno} ${f.matchno} ${f.dupno}`,
    );
    expect(got).toEqual(expected);
  });
});
