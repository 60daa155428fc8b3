import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../../src/messages/catalog.js';
import { expectGolden } from '../../helpers/golden.js';
import { runCli } from '../../helpers/cli.js';

const fx = (p: string) => path.join('fixtures/analyze', p);
const codes = (stdout: string) => (JSON.parse(stdout) as { code: string; origin: string }[]).map((m) => `${m.code} ${m.origin}`).sort();

describe('analyze on the bookshop (README example)', () => {
  it('reports every planted mistake, with file:line, and exits 79', async () => {
    const r = await runCli(['analyze', '-A', '-R', fx('bookshop')]);
    expect(r.code).toBe(79);
    expectGolden(fx('bookshop/analyze.golden.txt'), r.stdout);
    expect(r.stderr).toContain('"istio-ts analyze --explain ITS0005" prints the symptom and the fix');
    const planted = [...readFileSync(fx('bookshop/README.md'), 'utf8').matchAll(/ITS\d{4}/g)].map((m) => m[0]);
    for (const c of new Set(planted)) expect(r.stdout, c).toContain(`[${c}]`);
  });

  it('suppresses an ITS finding like any other (-S and the annotation form)', async () => {
    const all = await runCli(['analyze', '-A', '-R', '-o', 'json', fx('bookshop')]);
    const s = await runCli(['analyze', '-A', '-R', '-o', 'json', '-S', 'ITS0009=DestinationRule bookshop/reviews', '-S', 'ITS001*=*', fx('bookshop')]);
    const before = codes(all.stdout);
    const after = codes(s.stdout);
    expect(before).toContain('ITS0009 DestinationRule bookshop/reviews');
    expect(after).not.toContain('ITS0009 DestinationRule bookshop/reviews');
    expect(after.filter((c) => c.startsWith('ITS001'))).toEqual([]);
    expect(after).toContain('ITS0005 DestinationRule bookshop/ratings');
    expect(s.stderr).not.toContain('unknown message code');
  });
});

describe('analyze --explain', () => {
  it('prints the page of an ITS code, by code or name, case-insensitively', async () => {
    const r = await runCli(['analyze', '--explain', 'its0009']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# ITS0009 OutlierDetectionEjectsAllHosts');
    expect(r.stdout).toContain('UH');
    expect(r.stdout).toMatch(/docs[/\\]messages[/\\]ITS0009\.md/);
    const byName = await runCli(['analyze', '--explain', 'OutlierDetectionEjectsAllHosts']);
    expect(byName.stdout).toContain('# ITS0009 OutlierDetectionEjectsAllHosts');
  });

  it('prints every ITS page that exists', async () => {
    for (const m of catalog.all.filter((x) => x.code.startsWith('ITS'))) {
      const r = await runCli(['analyze', '--explain', m.code]);
      expect(r.code, m.code).toBe(0);
      expect(r.stdout.startsWith(`# ${m.code} ${m.name}\n`), m.code).toBe(true);
    }
  });

  it("for an upstream IST code, prints the catalog entry and istio.io's page", async () => {
    const r = await runCli(['analyze', '--explain', 'IST0101']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# IST0101 ReferencedResourceNotFound');
    expect(r.stdout).toContain('https://istio.io/latest/docs/reference/config/analysis/ist0101/');
  });

  it('an unknown code is a usage error (64) without touching a cluster', async () => {
    const r = await runCli(['analyze', '--explain', 'ITS9999']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('unknown message code "ITS9999"');
  });
});

describe('analyze --closed-world', () => {
  it('by default, a DestinationRule and Gateway with no Services or Pods in the files are not judged', async () => {
    const r = await runCli(['analyze', '-A', '-o', 'json', fx('closed-world/dangling.yaml'), fx('closed-world/subset.yaml')]);
    expect(codes(r.stdout).filter((c) => /IST017[34]|IST0101/.test(c))).toEqual([]);
  });

  it('with the flag, unknown hosts (IST0174), empty subsets (IST0173) and gateways selecting nothing (IST0101) are reported', async () => {
    const a = await runCli(['analyze', '-A', '-o', 'json', '--closed-world', fx('closed-world/dangling.yaml')]);
    expect(codes(a.stdout).filter((c) => /IST017[34]|IST0101/.test(c))).toEqual(['IST0101 Gateway shop/public', 'IST0174 DestinationRule shop/reviews']);
    expect(a.code).toBe(79);
    const b = await runCli(['analyze', '-A', '-o', 'json', fx('closed-world/subset.yaml')], { env: { ISTIO_TS_CLOSED_WORLD: 'true' } });
    expect(codes(b.stdout).filter((c) => /IST017[34]/.test(c))).toEqual(['IST0173 DestinationRule shop/reviews']);
  });

  it('ISTIO_TS_CLOSED_WORLD=false keeps the default; a bad value and a live run are usage errors', async () => {
    const off = await runCli(['analyze', '-A', '-o', 'json', fx('closed-world/dangling.yaml')], { env: { ISTIO_TS_CLOSED_WORLD: 'false' } });
    expect(codes(off.stdout).filter((c) => /IST017[34]/.test(c))).toEqual([]);
    const bad = await runCli(['analyze', fx('closed-world/dangling.yaml')], { env: { ISTIO_TS_CLOSED_WORLD: 'maybe' } });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('ISTIO_TS_CLOSED_WORLD');
    const live = await runCli(['analyze', '--closed-world', '--use-kube=true', fx('closed-world/dangling.yaml')], { env: { KUBECONFIG: '/nonexistent' } });
    expect(live.code).toBe(64);
    expect(live.stderr).toContain('--closed-world applies to files only');
  });
});

describe('analyze -n NS', () => {
  it('reports findings on the Namespace object NS only, not on other Namespace objects', async () => {
    const amb = await runCli(['analyze', '-n', 'amb', '-o', 'json', fx('namespaces/two.yaml')]);
    expect(codes(amb.stdout)).toEqual(['IST0102 Namespace amb']);
    const all = await runCli(['analyze', '-A', '-o', 'json', fx('namespaces/two.yaml')]);
    expect(codes(all.stdout)).toEqual(['IST0102 Namespace amb', 'IST0102 Namespace default']);
  });
});
