import { describe, expect, it } from 'vitest';
import { formatPath, parseSetFlag, setAtPath } from '../../src/install/set-path.js';
import { setOverlay } from '../../src/install/operator.js';

describe('parseSetFlag', () => {
  const table: [string, string][] = [
    ['values.pilot.env.X=1', 'values.pilot.env.X'],
    ['components.ingressGateways[name:istio-ingressgateway].enabled=false', 'components.ingressGateways[name:istio-ingressgateway].enabled'],
    ['components.ingressGateways.[name:istio-ingressgateway].enabled=false', 'components.ingressGateways[name:istio-ingressgateway].enabled'],
    ['spec.meshConfig.accessLogFile=/dev/stdout', 'meshConfig.accessLogFile'],
    ['values.pilot.podAnnotations.foo\\.io/bar=x', 'values.pilot.podAnnotations.foo.io/bar'],
    ['components.egressGateways[0].enabled=true', 'components.egressGateways[0].enabled'],
  ];
  it.each(table)('%s → %s', (raw, path) => {
    const s = parseSetFlag(raw);
    if (typeof s === 'string') throw new Error(s);
    expect(formatPath(s.path)).toBe(path);
  });
  it.each(['novalue', '=x', 'a[b=1', 'a[x].b=1'])('refuses %s', (raw) => {
    expect(typeof parseSetFlag(raw)).toBe('string');
  });
  it('keeps everything after the first = as the value', () => {
    const s = parseSetFlag('meshConfig.accessLogFormat=a=b');
    expect(typeof s !== 'string' && s.value).toBe('a=b');
  });
});

describe('setOverlay types values by the schema', () => {
  const table: [string, unknown][] = [
    ['values.pilot.env.X=1', { values: { pilot: { env: { X: '1' } } } }],
    ['values.pilot.autoscaleMin=2', { values: { pilot: { autoscaleMin: 2 } } }],
    ['tag=1.20', { tag: '1.20' }],
    ['components.cni.enabled=true', { components: { cni: { enabled: true } } }],
    ['meshConfig.enableTracing=true', { meshConfig: { enableTracing: true } }],
    ['meshConfig.accessLogFile=/dev/stdout', { meshConfig: { accessLogFile: '/dev/stdout' } }],
    ['components.ingressGateways[name:gw2].enabled=true', { components: { ingressGateways: [{ name: 'gw2', enabled: true }] } }],
  ];
  it.each(table)('%s', (raw, expected) => {
    const s = parseSetFlag(raw);
    if (typeof s === 'string') throw new Error(s);
    expect(setOverlay(s)).toEqual(expected);
  });
  it.each([
    ['values.pilot.autoscaleMin=lots', 'values.pilot.autoscaleMin'],
    ['values.pilott.env.X=1', 'values.pilott'],
    ['components.pilot.enabled=maybe', 'components.pilot.enabled'],
  ])('refuses %s naming %s', (raw, field) => {
    const s = parseSetFlag(raw);
    if (typeof s === 'string') throw new Error(s);
    expect(() => setOverlay(s)).toThrow(field);
  });
});

describe('setAtPath', () => {
  it('updates the matching list item in place', () => {
    const t = { l: [{ name: 'a', x: 1 }, { name: 'b', x: 2 }] };
    setAtPath(t, [{ key: 'l' }, { match: { key: 'name', value: 'b' } }, { key: 'x' }], 9);
    expect(t.l).toEqual([{ name: 'a', x: 1 }, { name: 'b', x: 9 }]);
  });
});
