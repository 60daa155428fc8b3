import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const dir = 'fixtures/envoy/sidecar';
const f = (n: string) => path.join(dir, n);

const goldens: { name: string; args: string[]; golden: string }[] = [
  { name: 'summary on a default install (trimmed stats + /clusters)', args: ['proxy-stats', '--summary', '-f', f('stats-default.txt'), '-f', f('clusters.json')], golden: 'stats-summary-default.golden.txt' },
  { name: 'summary with proxyStatsMatcher', args: ['proxy-stats', '--summary', '-f', f('stats-matcher.txt')], golden: 'stats-summary-matcher.golden.txt' },
  { name: 'filtered stats', args: ['proxy-stats', '-f', f('stats-default.txt'), '--filter', '^(server|cluster_manager)\\.'], golden: 'stats-filtered.golden.txt' },
  { name: 'summary json', args: ['proxy-stats', '--summary', '-f', f('stats-matcher.txt'), '-f', f('clusters.json'), '-o', 'json'], golden: 'stats-summary.golden.json' },
];

describe('proxy-stats goldens', () => {
  for (const g of goldens) {
    it(g.name, async () => {
      const r = await runCli(g.args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const file = path.join(dir, g.golden);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, r.stdout);
      else if (!existsSync(file)) throw new Error(`missing golden ${file}; run with UPDATE_GOLDEN=1`);
      expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('proxy-stats formats from saved files', () => {
  it('-o json from a text /stats', async () => {
    const r = await runCli(['proxy-stats', '-f', f('stats-default.txt'), '--filter', '^server\\.(live|state)$', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { name: 'server.live', value: 1 },
      { name: 'server.state', value: 0 },
    ]);
  });
  it('-o prom from a saved /stats/prometheus on stdin', async () => {
    const prom = '# TYPE envoy_server_live gauge\nenvoy_server_live{} 1\n# TYPE envoy_server_uptime gauge\nenvoy_server_uptime{} 86113\n';
    const r = await runCli(['proxy-stats', '-f', '-', '-o', 'prom', '--filter', 'uptime'], { stdin: prom });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('# TYPE envoy_server_uptime gauge\nenvoy_server_uptime{} 86113\n');
  });
  it('--type clusters keeps only matching /clusters lines', async () => {
    const text = 'outbound|9080||reviews.bookinfo.svc.cluster.local::10.244.2.40:9080::cx_connect_fail::17\noutbound|9080||reviews.bookinfo.svc.cluster.local::10.244.2.40:9080::rq_success::88\n';
    const r = await runCli(['proxy-stats', '-f', '-', '--type', 'clusters', '--filter', 'connect_fail'], { stdin: text });
    expect(r.stdout).toBe('outbound|9080||reviews.bookinfo.svc.cluster.local::10.244.2.40:9080::cx_connect_fail::17\n');
  });
});

describe('proxy-stats errors', () => {
  it.each([
    [['proxy-stats'], 64, /requires pod name or --file/],
    [['proxy-stats', '-f', f('stats-default.txt'), '--type', 'listeners'], 64, /--type/],
    [['proxy-stats', '-f', f('stats-default.txt'), '--filter', '('], 64, /--filter/],
    [['proxy-stats', '-f', f('stats-default.txt'), '-f', f('clusters.json')], 64, /only makes sense with --summary/],
    [['proxy-stats', '-f', f('config_dump.json')], 1, /needs an Envoy \/stats response/],
  ])('%j', async (args, code, re) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(re as RegExp);
  });
});
