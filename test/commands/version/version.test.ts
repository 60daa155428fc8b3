import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { execute } from '../../../src/cli/command.js';
import type { CommandContext } from '../../../src/cli/context.js';
import { implementation, type VersionDeps, type VersionOptions } from '../../../src/commands/version/action.js';
import { errorToExitCode } from '../../../src/main.js';
import { VERSION } from '../../../src/cli/version.js';
import { ISTIO_RELEASE } from '../../../src/install/version.js';
import { runCli } from '../../helpers/cli.js';
import { capture, fakeMesh, type FakeMesh } from '../proxy-status/fake-mesh.js';

/** The whole command on given options, errors through main's error map: the exit code main would give. */
async function version(ctx: CommandContext, o: VersionOptions, deps: VersionDeps): Promise<number> {
  try {
    return await execute(implementation(deps), ctx, { flags: { short: o.short, remote: o.remote, revision: o.revision, timeout: o.timeoutMs }, args: [], format: o.format });
  } catch (e) {
    return errorToExitCode(e, ctx.io);
  }
}

const fx = (f: string) => readFileSync(`fixtures/envoy/syncz/${f}`, 'utf8');
const base: VersionOptions = { short: true, remote: true, istioNamespace: 'istio-system', timeoutMs: 2000, format: 'text' };

describe('version', () => {
  let mesh: FakeMesh | undefined;
  afterEach(async () => mesh?.close());

  it('--remote=false prints the client version without touching the cluster', async () => {
    const r = await runCli(['version', '--remote=false']);
    expect(r).toEqual({ code: 0, stdout: `client version: ${VERSION} (Istio ${ISTIO_RELEASE})\n`, stderr: '' });
  });

  it('rejects a non-boolean --short', async () => {
    const r = await runCli(['version', '--short=maybe']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--short: expected true or false/);
  });

  const cases: { name: string; istiods: { name: string; rev?: string; version: string; syncz: string }[]; want: string }[] = [
    {
      name: 'one revision (1.16 plain /version, 1.16 syncz)',
      istiods: [{ name: 'istiod-a', version: '1.16.7-b3f7e0e8c2f9a1d4e5b6c7d8e9f0a1b2c3d4e5f6-Clean', syncz: 'syncz-1.16.json' }],
      want: 'control plane version: 1.16.7\ndata plane version: 1.16.1 (3 proxies), 1.15.3 (1 proxy)\n',
    },
    {
      name: 'two revisions (canary upgrade), JSON /version',
      istiods: [
        { name: 'istiod-1-24-x', rev: '1-24', version: '{"version":"1.24.2","revision":"4c8d2e9","status":"Clean","tag":"1.24.2"}', syncz: 'syncz-1.24.json' },
        { name: 'istiod-1-25-y', rev: '1-25', version: '1.25.0-a3c1f0e2b7d94c5e8f6a1b2c3d4e5f6a7b8c9d0e-Clean', syncz: 'syncz-clientconfig.json' },
      ],
      want: 'control plane version: 1.24.2 (revision 1-24, 1 pod), 1.25.0 (revision 1-25, 1 pod)\ndata plane version: 1.25.0 (3 proxies), 1.24.2 (4 proxies), 1.22.3 (1 proxy)\n',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      mesh = await fakeMesh({ istiods: c.istiods.map((i) => ({ name: i.name, ...(i.rev ? { rev: i.rev } : {}), routes: { '/version': { body: i.version }, '/debug/syncz': { body: fx(i.syncz) } } })) });
      const cap = capture();
      expect(await version(cap.ctx, base, { connect: async () => mesh!.kube })).toBe(0);
      expect(cap.out()).toBe(`client version: ${VERSION} (Istio ${ISTIO_RELEASE})\n${c.want}`);
      expect(cap.err()).toBe('');
    });
  }

  it('-o json uses istioctl key names; --short=false prints tables', async () => {
    mesh = await fakeMesh({ istiods: [{ name: 'istiod-a', routes: { '/version': { body: '1.24.2-4c8d2e9f1a7b3c5d6e8f0a1b2c3d4e5f6a7b8c9d-Clean' }, '/debug/syncz': { body: fx('syncz-1.24.json') } } }] });
    const j = capture();
    await version(j.ctx, { ...base, format: 'json' }, { connect: async () => mesh!.kube });
    const v = JSON.parse(j.out());
    expect(v.meshVersion).toEqual([{ Component: 'istiod', Revision: 'default', Info: { version: '1.24.2', revision: '4c8d2e9f1a7b3c5d6e8f0a1b2c3d4e5f6a7b8c9d', golang_version: '', status: 'Clean', tag: '1.24.2' }, pod: 'istiod-a' }]);
    // Each proxy's revision: that of the istiod reporting it.
    expect(v.dataPlaneVersion).toContainEqual({ ID: 'legacy-batch-58d9f7c6d-tq7rs.jobs', IstioVersion: '1.22.3', Revision: 'default' });
    expect(v.dataPlaneVersions).toEqual([{ version: '1.24.2', count: 3 }, { version: '1.22.3', count: 1 }]);
    const l = capture();
    await version(l.ctx, { ...base, short: false }, { connect: async () => mesh!.kube });
    expect(l.out()).toContain('REVISION   ISTIOD POD   VERSION   GIT REVISION                               STATUS   GO\ndefault    istiod-a     1.24.2    4c8d2e9f1a7b3c5d6e8f0a1b2c3d4e5f6a7b8c9d   Clean    -\n');
    expect(l.out()).toContain('VERSION   PROXIES\n1.24.2    3\n1.22.3    1\n');
    expect(l.out()).toMatch(/\nproxies:\nPROXY +REVISION +VERSION +ISTIOD\n[^]*legacy-batch-58d9f7c6d-tq7rs\.jobs +default +1\.22\.3 +istiod-a\n/);
  });

  it('no istiod: "not present" and exit 0; unreachable istiods: client version, error and exit 1', async () => {
    mesh = await fakeMesh({ istiods: [] });
    const none = capture();
    expect(await version(none.ctx, base, { connect: async () => mesh!.kube })).toBe(0);
    expect(none.out()).toBe(`client version: ${VERSION} (Istio ${ISTIO_RELEASE})\n`);
    expect(none.err()).toBe('Istio is not present in the cluster: no running istiod pod in namespace "istio-system"\n');
    await mesh.close();
    mesh = await fakeMesh({ istiods: [{ name: 'istiod-a', routes: {} }], unreachable: ['istiod-a'] });
    const bad = capture();
    expect(await version(bad.ctx, base, { connect: async () => mesh!.kube })).toBe(1);
    expect(bad.out()).toBe(`client version: ${VERSION} (Istio ${ISTIO_RELEASE})\n`);
    expect(bad.err()).toMatch(/Error: istiod istiod-a: .*unable to upgrade connection[^]*Error: no istiod answered \/version \(1 pod tried\)/);
  });
});
