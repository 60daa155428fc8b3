/**
 * The steps istiod applies after the templates (postProcessPod) and the choices istioctl makes
 * offline: PROXY_CONFIG against the compiled-in defaults, Prometheus merging with scrape targets,
 * re-injection keeping the recorded app probers, and native sidecars without a cluster.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { injectText, InjectionError } from '../../src/inject/inject.js';
import { mergeOrAppendProbers } from '../../src/inject/probes.js';
import { parseScrapeTargets, proxyConfigJSON } from '../../src/inject/pod.js';
import { buildSettings, resolveNativeSidecars, type NativeSidecarMode, type SettingsInput } from '../../src/inject/settings.js';

type Obj = Record<string, any>;

function pod(annotations: Record<string, string>, extra: Obj = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: { containers: [{ name: 'web', image: 'example/web:1', ports: [{ containerPort: 8080 }], ...extra }] },
  });
}

function inject(text: string, s: SettingsInput = {}): Obj {
  return parse(injectText(text, buildSettings({ env: {}, ...s })).text.replace(/---\n$/, '')) as Obj;
}

const proxyOf = (p: Obj): Obj => [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])].find((c: Obj) => c.name === 'istio-proxy');
const envOf = (p: Obj, name: string): string | undefined => proxyOf(p).env.find((e: Obj) => e.name === name)?.value;

describe('PROXY_CONFIG (cleanProxyConfig against mesh.DefaultProxyConfig)', () => {
  const cases: { name: string; mesh: string; want: Obj }[] = [
    { name: 'default mesh config prints nothing', mesh: '{}', want: {} },
    { name: 'defaultConfig.interceptionMode reaches the proxy', mesh: 'defaultConfig: {interceptionMode: TPROXY}', want: { interceptionMode: 'TPROXY' } },
    { name: 'defaultConfig.drainDuration reaches the proxy', mesh: 'defaultConfig: {drainDuration: 23s}', want: { drainDuration: '23s' } },
    { name: 'a value equal to the compiled-in default is left out', mesh: 'defaultConfig: {drainDuration: 45s, statusPort: 15020, holdApplicationUntilProxyStarts: true}', want: { holdApplicationUntilProxyStarts: true } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = inject(pod({}), { meshConfigText: { text: c.mesh, source: 'mesh.yaml' } });
      expect(JSON.parse(envOf(out, 'PROXY_CONFIG')!)).toEqual(c.want);
    });
  }

  it('leaves out proto3 zero values and the compiled-in defaults', () => {
    expect(proxyConfigJSON({ interceptionMode: 'REDIRECT', proxyMetadata: {}, configPath: './etc/istio/proxy', discoveryAddress: 'istiod.istio-system.svc:15012', concurrency: 2 })).toBe('{"concurrency":2}');
    expect(proxyConfigJSON({ discoveryAddress: 'istiod.other.svc:15012' })).toBe('{"discoveryAddress":"istiod.other.svc:15012"}');
  });
});

describe('Prometheus merge (applyPrometheusMerge)', () => {
  it('moves scrape targets into ISTIO_PROMETHEUS_ANNOTATIONS; the first target is the legacy port/path', () => {
    const out = inject(pod({ 'prometheus.io/scrape': 'true', 'prometheus.istio.io/scrape-targets': '8080:/metrics, 9100:/custom-metrics' }));
    expect(envOf(out, 'ISTIO_PROMETHEUS_ANNOTATIONS')).toBe(
      '{"scrape":"true","path":"/metrics","port":"8080","targets":[{"port":"8080","path":"/metrics"},{"port":"9100","path":"/custom-metrics"}]}',
    );
    expect(out.metadata.annotations).toMatchObject({ 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' });
    expect(out.metadata.annotations['prometheus.istio.io/scrape-targets']).toBeUndefined();
  });

  it('prints scrape, path and port even when only some are set (Go struct without omitempty)', () => {
    const out = inject(pod({ 'prometheus.io/port': '9090' }));
    expect(envOf(out, 'ISTIO_PROMETHEUS_ANNOTATIONS')).toBe('{"scrape":"","path":"","port":"9090"}');
  });

  it('a target without a path scrapes /metrics', () => {
    expect(parseScrapeTargets('9100, 8080:/m')).toEqual([{ port: '9100', path: '/metrics' }, { port: '8080', path: '/m' }]);
    expect(parseScrapeTargets(':/x')).toBe('empty port in scrape target ":/x"');
  });

  const bad: { name: string; ann: Record<string, string>; error: RegExp }[] = [
    { name: 'a target on the agent port', ann: { 'prometheus.istio.io/scrape-targets': '15020:/metrics' }, error: /invalid prometheus scrape targets: target port 15020 conflicts with agent port/ },
    { name: 'a target on an Istio port', ann: { 'prometheus.istio.io/scrape-targets': '8080,15000' }, error: /target port 15000 is reserved for Istio \(Envoy admin\)/ },
    { name: 'a target port out of range', ann: { 'prometheus.istio.io/scrape-targets': '70000:/m' }, error: /invalid target port "70000"/ },
    { name: 'a legacy port on an Istio port', ann: { 'prometheus.io/port': '15090' }, error: /invalid prometheus scrape configuration: port 15090 is reserved for Istio/ },
    { name: 'a legacy port that is not a number', ann: { 'prometheus.io/port': 'http' }, error: /invalid prometheus scrape configuration: invalid port "http"/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      expect(() => inject(pod(c.ann))).toThrow(InjectionError);
      expect(() => inject(pod(c.ann))).toThrow(c.error);
    });
  }

  it('does nothing when scraping is off', () => {
    const out = inject(pod({ 'prometheus.io/scrape': 'false', 'prometheus.io/port': '15000' }));
    expect(envOf(out, 'ISTIO_PROMETHEUS_ANNOTATIONS')).toBeUndefined();
    expect(out.metadata.annotations['prometheus.io/port']).toBe('15000');
  });
});

describe('re-injection (stripPod, mergeOrAppendProbers)', () => {
  it('keeps the probers recorded by the first injection and adds the new container’s', () => {
    const probe = { readinessProbe: { httpGet: { path: '/ready', port: 8080 } } };
    const first = inject(pod({}, probe));
    expect(JSON.parse(envOf(first, 'ISTIO_KUBE_APP_PROBERS')!)).toEqual({ '/app-health/web/readyz': { httpGet: { path: '/ready', port: 8080 } } });
    // The user adds a container with its own probe to the injected pod and injects again.
    first.spec.containers.push({ name: 'side', image: 'example/side:1', livenessProbe: { tcpSocket: { port: 9000 } } });
    const second = inject(stringify(first));
    expect(envOf(second, 'ISTIO_KUBE_APP_PROBERS')).toBe(
      '{"/app-health/side/livez":{"tcpSocket":{"port":9000}},"/app-health/web/readyz":{"httpGet":{"path":"/ready","port":8080}}}',
    );
    expect([...second.spec.containers, ...second.spec.initContainers].filter((c: Obj) => c.name === 'istio-proxy')).toHaveLength(1);
    expect(second.spec.containers.find((c: Obj) => c.name === 'web').readinessProbe.httpGet).toEqual({ path: '/app-health/web/readyz', port: 15020 });
  });

  it('merges in place, the recorded prober winning for the same path', () => {
    const env = [{ name: 'A', value: '1' }, { name: 'ISTIO_KUBE_APP_PROBERS', value: '{"/app-health/foo/livez":{"httpGet":{"path":"/old","port":8000}}}' }, { name: 'B', value: '2' }];
    const fresh = '{"/app-health/bar/livez":{"httpGet":{"path":"/","port":9000}},"/app-health/foo/livez":{"httpGet":{"path":"/new","port":8000}}}';
    expect(mergeOrAppendProbers(true, env, fresh)).toEqual([
      { name: 'A', value: '1' },
      { name: 'ISTIO_KUBE_APP_PROBERS', value: '{"/app-health/bar/livez":{"httpGet":{"path":"/","port":9000}},"/app-health/foo/livez":{"httpGet":{"path":"/old","port":8000}}}' },
      { name: 'B', value: '2' },
    ]);
    expect(mergeOrAppendProbers(false, env.slice(0, 1), fresh)).toEqual([{ name: 'A', value: '1' }, { name: 'ISTIO_KUBE_APP_PROBERS', value: fresh }]);
  });
});

describe('native sidecars without a cluster (resolveNativeSidecars)', () => {
  const cases: { name: string; flag: NativeSidecarMode; origin: 'files' | 'built-in'; env: Record<string, string>; want: NativeSidecarMode }[] = [
    { name: 'files (istioctl offline): auto is off', flag: 'auto', origin: 'files', env: {}, want: 'false' },
    { name: 'files: ENABLE_NATIVE_SIDECARS=true turns them on', flag: 'auto', origin: 'files', env: { ENABLE_NATIVE_SIDECARS: 'true' }, want: 'true' },
    { name: 'built-in settings: auto is on (a current cluster)', flag: 'auto', origin: 'built-in', env: {}, want: 'true' },
    { name: 'built-in settings: ENABLE_NATIVE_SIDECARS=false turns them off', flag: 'auto', origin: 'built-in', env: { ENABLE_NATIVE_SIDECARS: 'false' }, want: 'false' },
    { name: 'the flag wins over the environment', flag: 'false', origin: 'built-in', env: { ENABLE_NATIVE_SIDECARS: 'true' }, want: 'false' },
    { name: 'the flag asks for them with files', flag: 'true', origin: 'files', env: {}, want: 'true' },
  ];
  for (const c of cases) it(c.name, () => expect(resolveNativeSidecars(c.flag, c.origin, c.env)).toBe(c.want));

  it('the injector puts a native istio-proxy under initContainers', () => {
    const where = (n: NativeSidecarMode): string => (proxyOf(inject(pod({}), { nativeSidecars: n })).restartPolicy === 'Always' ? 'initContainers' : 'containers');
    expect(where('true')).toBe('initContainers');
    expect(where('false')).toBe('containers');
  });
});

describe('revision', () => {
  it('-r default renders with no revision, as istioctl', () => {
    const withDefault = injectText(pod({}), buildSettings({ env: {}, revision: 'default' })).text;
    expect(withDefault).toBe(injectText(pod({}), buildSettings({ env: {} })).text);
    expect(withDefault).toContain('istiod.istio-system.svc:15012');
    expect(injectText(pod({}), buildSettings({ env: {}, revision: 'canary' })).text).toContain('istiod-canary.istio-system.svc:15012');
  });
});
