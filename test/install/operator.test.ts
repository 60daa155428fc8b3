import { describe, expect, it } from 'vitest';
import { DEFAULT_ISTIO_HUB, DEFAULT_ISTIO_TAG } from '../../src/inject/configmap.js';
import { InstallInputError } from '../../src/install/errors.js';
import { resolveInstall } from '../../src/install/operator.js';
import { parseSetFlag, type SetFlag } from '../../src/install/set-path.js';
import { DEFAULT_HUB, ISTIO_RELEASE } from '../../src/install/version.js';

const sets = (...raw: string[]): SetFlag[] => raw.map((r) => parseSetFlag(r) as SetFlag);

describe('resolveInstall', () => {
  it('pins the same release as the injector defaults', () => {
    expect([DEFAULT_HUB, ISTIO_RELEASE]).toEqual([DEFAULT_ISTIO_HUB, DEFAULT_ISTIO_TAG]);
  });
  it('merges gateway lists by name (demo enables the default egress entry)', () => {
    const r = resolveInstall({ files: [], sets: sets('profile=demo') });
    expect(r.iop.spec.components?.egressGateways).toEqual([{ name: 'istio-egressgateway', enabled: true }]);
    expect(r.values.profile).toBe('demo');
    expect((r.values.pilot as { autoscaleEnabled: boolean }).autoscaleEnabled).toBe(false);
  });
  it('applies files in order, then --set', () => {
    const r = resolveInstall({
      files: [
        { name: 'a.yaml', doc: { spec: { hub: 'a.example/istio', values: { pilot: { traceSampling: 5 } } } } },
        { name: 'b.yaml', doc: { spec: { hub: 'b.example/istio' } } },
      ],
      sets: sets('values.pilot.traceSampling=7'),
    });
    expect((r.values.global as { hub: string }).hub).toBe('b.example/istio');
    expect((r.values.pilot as { traceSampling: number }).traceSampling).toBe(7);
  });
  it('copies spec.meshConfig into values.meshConfig on top of the profile overlay', () => {
    const r = resolveInstall({ files: [], sets: sets('profile=demo', 'meshConfig.accessLogFile=/tmp/x') });
    expect((r.values.meshConfig as { accessLogFile: string }).accessLogFile).toBe('/tmp/x');
  });
  it('treats revision "default" as no revision and refuses non-DNS labels', () => {
    expect(resolveInstall({ files: [], sets: [], revision: 'default' }).revision).toBe('');
    expect(resolveInstall({ files: [], sets: [], revision: '1-28-0' }).revision).toBe('1-28-0');
    expect(() => resolveInstall({ files: [], sets: [], revision: '1.28' })).toThrow(InstallInputError);
  });
  it('names the file and field of a schema error', () => {
    try {
      resolveInstall({ files: [{ name: 'x.yaml', doc: { spec: { components: { pilot: { k8s: { replicas: 3 } } } } } }], sets: [] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InstallInputError);
      expect((e as InstallInputError).origin).toEqual({ kind: 'file', file: 'x.yaml' });
      expect((e as Error).message).toContain('spec.components.pilot.k8s.replicas: unknown field');
    }
  });
  it('refuses an unknown profile', () => {
    expect(() => resolveInstall({ files: [], sets: sets('profile=bogus') })).toThrow(/unknown profile "bogus"/);
  });
});
