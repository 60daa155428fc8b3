import { describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { DEFAULT_INJECTION_VALUES, injectorConfigMapData } from '../../src/inject/configmap.js';
import { appendMultusNetwork, excludeInboundPort, istioFuncs } from '../../src/inject/funcs.js';
import { strategicMerge } from '../../src/inject/merge.js';
import { canonicalQuantity } from '../../src/inject/quantity.js';
import { applySets, buildSettings, parseInjectorConfig } from '../../src/inject/settings.js';

describe('canonicalQuantity (Go resource.Quantity round trip)', () => {
  const rows: Array<[string, string]> = [
    ['2000m', '2'],
    ['100m', '100m'],
    ['1500m', '1500m'],
    ['0.5', '500m'],
    ['1024Mi', '1Gi'],
    ['128Mi', '128Mi'],
    ['1536Mi', '1536Mi'],
    ['1000', '1k'],
    ['1Gi', '1Gi'],
    ['0', '0'],
  ];
  for (const [input, want] of rows) it(`${input} -> ${want}`, () => expect(canonicalQuantity(input)).toBe(want));
  it('leaves non-quantities alone', () => expect(canonicalQuantity('lots')).toBe('lots'));
});

describe('strategicMerge (Pod patch metadata)', () => {
  it("merges containers by name; the patch's items lead, as apimachinery orders them", () => {
    const out = strategicMerge(
      { containers: [{ name: 'app', image: 'a', env: [{ name: 'A', value: '1' }] }] },
      { containers: [{ name: 'app', env: [{ name: 'B', value: '2' }] }, { name: 'istio-proxy', image: 'p' }] },
    );
    expect(out).toEqual({
      containers: [
        { name: 'app', image: 'a', env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] },
        { name: 'istio-proxy', image: 'p' },
      ],
    });
  });
  const orderRows: { name: string; original: number[]; patch: number[]; expected: number[] }[] = [
    { name: 'new patch items before original-only ones (template ports before the workload\'s)', original: [8080], patch: [15090], expected: [15090, 8080] },
    { name: 'the patch reorders items it names; an original-only item goes before the first later one', original: [1, 2, 3], patch: [3, 1], expected: [2, 3, 1] },
    { name: 'patch order wins among patch items not in the original', original: [5], patch: [9, 7], expected: [9, 7, 5] },
    { name: 'an original-only item before a shared one stays before it', original: [4, 6], patch: [6, 8], expected: [4, 6, 8] },
  ];
  for (const r of orderRows) {
    it(`list order: ${r.name}`, () => {
      const out = strategicMerge({ ports: r.original.map((p) => ({ containerPort: p })) }, { ports: r.patch.map((p) => ({ containerPort: p })) }) as { ports: { containerPort: number }[] };
      expect(out.ports.map((p) => p.containerPort)).toEqual(r.expected);
    });
  }
  it('replaces lists without a merge key (args) and keeps fields a null would delete', () => {
    expect(strategicMerge({ args: ['a'], initContainers: [{ name: 'x' }] }, { args: ['b'], initContainers: null })).toEqual({ args: ['b'], initContainers: [{ name: 'x' }] });
  });
});

describe('Istio template functions', () => {
  it('excludeInboundPort adds the status port once', () => {
    expect(excludeInboundPort('15020', '')).toBe('15020');
    expect(excludeInboundPort('15020', '4, 5')).toBe('4,5,15020');
    expect(excludeInboundPort('15020', '15020')).toBe('15020');
    expect(excludeInboundPort('0', '4,5,6')).toBe('4,5,6');
  });
  it('appendMultusNetwork handles the comma and JSON forms', () => {
    expect(appendMultusNetwork('', 'istio-cni')).toBe('istio-cni');
    expect(appendMultusNetwork('macvlan', 'istio-cni')).toBe('macvlan, istio-cni');
    expect(appendMultusNetwork('[{"name":"macvlan"}]', 'istio-cni')).toBe('[{"name":"macvlan"}, {"name": "istio-cni"}]');
    expect(appendMultusNetwork('istio-cni', 'istio-cni')).toBe('istio-cni');
  });
  it('appendMultusNetwork with a namespaced network (default/istio-cni)', () => {
    expect(appendMultusNetwork('', 'default/istio-cni')).toBe('default/istio-cni');
    expect(appendMultusNetwork('alt_cni', 'default/istio-cni')).toBe('alt_cni, default/istio-cni');
    expect(appendMultusNetwork('[{"name": "alt_cni"}]', 'default/istio-cni')).toBe('[{"name": "alt_cni"}, {"name": "istio-cni", "namespace": "default"}]');
    expect(appendMultusNetwork('[{"name": "istio-cni", "namespace": "default"}]', 'default/istio-cni')).toBe('[{"name": "istio-cni", "namespace": "default"}]');
    // the same name in the pod's own namespace is another attachment: still appended
    expect(appendMultusNetwork('[{"name": "istio-cni"}]', 'default/istio-cni')).toBe('[{"name": "istio-cni"}, {"name": "istio-cni", "namespace": "default"}]');
  });
});

describe('template functions upstream 1.29+ templates call', () => {
  const f = istioFuncs({}, () => '{}');
  it('omitNil drops keys a values file nulled out (resources.limits.cpu: null)', () => {
    expect(f.omitNil!({ requests: { cpu: '100m', memory: null }, limits: { cpu: null, memory: '1Gi' } })).toEqual({ requests: { cpu: '100m' }, limits: { memory: '1Gi' } });
  });
  const otelMesh = { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317, serviceAttributeEnrichment: 'OTEL_SEMANTIC_CONVENTIONS' } }] };
  const containers = [{ name: 'istio-proxy' }, { name: 'hello' }];
  const rows: { name: string; mesh: unknown; annotations?: Record<string, string>; labels?: Record<string, string>; namespace: string; expected: string }[] = [
    { name: 'no provider asks for it: nothing', mesh: { extensionProviders: [{ name: 'otel', opentelemetry: { service: 'c', port: 4317 } }] }, namespace: 'shop', expected: '' },
    { name: 'namespace, version label, instance of the first app container', mesh: otelMesh, labels: { 'app.kubernetes.io/version': 'v1.2.3' }, namespace: '', expected: 'service.namespace=default,service.version=v1.2.3,service.instance.id=default.$(POD_NAME).hello' },
    {
      name: 'resource.opentelemetry.io annotations win',
      mesh: otelMesh,
      annotations: { 'resource.opentelemetry.io/service.name': 'checkout', 'resource.opentelemetry.io/service.namespace': 'retail', 'resource.opentelemetry.io/service.version': '7' },
      labels: { 'app.kubernetes.io/version': 'v1' },
      namespace: 'shop',
      expected: 'service.name=checkout,service.namespace=retail,service.version=7,service.instance.id=shop.$(POD_NAME).hello',
    },
  ];
  for (const r of rows) it(`otelResourceAttributes: ${r.name}`, () => expect(f.otelResourceAttributes!(r.mesh, r.annotations ?? {}, r.labels ?? {}, r.namespace, containers)).toBe(r.expected));
});

describe('injector ConfigMap and settings', () => {
  it('injectorConfigMapData ships the sidecar template and the values istiod reads', () => {
    const d = injectorConfigMapData({ global: { proxy: { logLevel: 'debug' } } });
    const cfg = yamlParse(d.config) as Record<string, unknown>;
    expect(cfg.policy).toBe('enabled');
    expect(cfg.defaultTemplates).toEqual(['sidecar']);
    expect(Object.keys(cfg.templates as object)).toContain('sidecar');
    expect((cfg.templates as Record<string, string>).sidecar).toContain('name: istio-proxy');
    const values = JSON.parse(d.values) as { global: { hub: string; tag: string; proxy: { logLevel: string } } };
    expect(values.global.proxy.logLevel).toBe('debug');
    expect(`${values.global.hub}:${values.global.tag}`).toBe(`${String((DEFAULT_INJECTION_VALUES.global as { hub: string }).hub)}:1.28.0`);
  });
  it('parseInjectorConfig reads a whole ConfigMap too', () => {
    const cm = `kind: ConfigMap\napiVersion: v1\ndata:\n  config: |\n    policy: disabled\n    templates:\n      sidecar: "x"\n`;
    expect(parseInjectorConfig(cm, 'cm.yaml')).toMatchObject({ policy: 'disabled', templates: { sidecar: 'x' }, defaultTemplates: ['sidecar'] });
  });
  it('applySets maps IstioOperator paths onto values and mesh config', () => {
    const r = applySets({}, {}, ['values.global.proxy.statusPort=0', 'components.cni.enabled=true', 'values.cni.provider=multus', 'meshConfig.trustDomain=example.org', 'values.global.proxy.excludeInboundPorts=4,5,6']);
    expect(r.values).toEqual({ global: { proxy: { statusPort: 0, excludeInboundPorts: '4,5,6' } }, pilot: { cni: { enabled: true, provider: 'multus' } }, cni: { provider: 'multus' } });
    expect(r.mesh).toEqual({ trustDomain: 'example.org' });
  });
  it('buildSettings rejects a --set without =', () => {
    expect(() => buildSettings({ sets: ['values.global.x'] })).toThrow(/expected path=value/);
  });
});
