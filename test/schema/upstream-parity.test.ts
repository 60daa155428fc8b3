import { describe, expect, it } from 'vitest';
import { validateIstioObject } from '../../src/schema/validate.js';

/** Checks istioctl's validation makes (found side by side with istioctl, scripts/compare-istioctl.mjs). */
const obj = (apiVersion: string, kind: string, spec?: Record<string, unknown>) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'default' },
  ...(spec === undefined ? {} : { spec }),
});
const texts = (o: ReturnType<typeof obj>, opts = {}) => validateIstioObject(o, opts).map((f) => `${f.message} ${String(f.args[0])}`);
const SE_WARNING = 'SchemaWarning addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled';

describe('ServiceEntry: addresses required when IP auto-allocation is off', () => {
  const se = (extra: Record<string, unknown>, protocol?: string) =>
    obj('networking.istio.io/v1', 'ServiceEntry', { hosts: ['db.example.com'], ports: [{ name: 'db', number: 5432, ...(protocol === undefined ? {} : { protocol }) }], ...extra });

  it.each([
    ['TCP, resolution unset', se({}, 'TCP'), [SE_WARNING]],
    ['protocol unset', se({}), [SE_WARNING]],
    ['resolution NONE', se({ resolution: 'NONE' }, 'TCP'), [SE_WARNING]],
    ['lower-case "tcp" (istioctl compares as written)', se({}, 'tcp'), []],
    ['HTTP', se({}, 'HTTP'), []],
    ['resolution DNS', se({ resolution: 'DNS' }, 'TCP'), []],
    ['with addresses', se({ addresses: ['240.0.0.10'] }, 'TCP'), []],
  ] as const)('%s', (_n, o, want) => expect(texts(o)).toEqual(want));

  it('is not reported when the mesh allocates addresses', () => {
    expect(texts(se({}, 'TCP'), { ipAutoallocate: true })).toEqual([]);
  });
});

describe('EnvoyFilter', () => {
  const WARN = 'SchemaWarning EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.';
  const ef = (applyTo: string, operation: string, value: Record<string, unknown>) =>
    obj('networking.istio.io/v1alpha3', 'EnvoyFilter', { configPatches: [{ applyTo, patch: { operation, value } }] });

  it('always warns that it exposes implementation details', () => {
    expect(texts(ef('HTTP_FILTER', 'INSERT_BEFORE', { name: 'envoy.lua', typed_config: {} }))).toEqual([WARN]);
  });

  it.each([
    ['HTTP_ROUTE', 'ADD', { name: 'a', typed_config: {} }, 'typed_config', 'envoy.config.route.v3.Route'],
    ['ROUTE_CONFIGURATION', 'ADD', { name: 'a', typed_config: {} }, 'typed_config', 'envoy.config.route.v3.RouteConfiguration'],
    ['NETWORK_FILTER', 'REPLACE', { name: 'lua_cluster', connect_timeout: '0.5s' }, 'connect_timeout', 'envoy.config.listener.v3.Filter'],
    ['CLUSTER', 'MERGE', { connectTimeout: '1s', lb_policy: 'ROUND_ROBIN', bogus: 1 }, 'bogus', 'envoy.config.cluster.v3.Cluster'],
  ] as const)('%s %s: unknown field in the Envoy message', (applyTo, op, value, field, message) => {
    expect(texts(ef(applyTo, op, value))).toContain(`SchemaWarning spec.configPatches[0].patch.value.${field}: Envoy filter: unknown field "${field}" in ${message}`);
  });

  it('accepts snake_case and camelCase fields and oneof members, and ignores REMOVE', () => {
    expect(texts(ef('HTTP_ROUTE', 'MERGE', { route: { cluster: 'x' }, typedPerFilterConfig: {}, request_headers_to_add: [] }))).toEqual([WARN]);
    expect(texts(ef('HTTP_ROUTE', 'REMOVE', { anything: 1 } as Record<string, unknown>))).toEqual([WARN]);
  });
});

describe('Sidecar and Gateway', () => {
  it('a Sidecar without spec is an empty configuration', () => {
    expect(texts(obj('networking.istio.io/v1', 'Sidecar'))).toEqual(['SchemaValidationError spec: sidecar: empty configuration provided']);
  });

  it('Gateway server port names must be unique whatever the port number', () => {
    const gw = obj('networking.istio.io/v1', 'Gateway', {
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.com'] },
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['b.example.com'] },
      ],
    });
    expect(texts(gw)).toEqual(['SchemaValidationError spec.servers[1].port.name: port names in servers must be unique: duplicate name http']);
  });

  it('SIMPLE TLS without credentials: a private key and a server certificate are each required', () => {
    const gw = obj('networking.istio.io/v1', 'Gateway', {
      servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'SIMPLE' } }],
    });
    expect(texts(gw)).toEqual([
      'SchemaValidationError spec.servers[0].tls: SIMPLE TLS requires a private key',
      'SchemaValidationError spec.servers[0].tls: SIMPLE TLS requires a server certificate',
    ]);
  });
});
