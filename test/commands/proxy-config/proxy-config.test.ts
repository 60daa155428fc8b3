import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const dir = 'fixtures/envoy/sidecar';
const dump = path.join(dir, 'config_dump.json');
// The fixture's workload certificate is valid for one day from 2026-11-21T12:29:54Z.
const env = { ISTIO_TS_NOW: '2026-11-21T18:00:00Z' };

const goldens: { name: string; args: string[]; golden: string }[] = [
  { name: 'cluster table', args: ['pc', 'cluster', '-f', dump], golden: 'cluster.golden.txt' },
  { name: 'cluster filtered by fqdn and subset', args: ['pc', 'clusters', '-f', dump, '--fqdn', 'reviews', '--subset', 'v2'], golden: 'cluster-reviews-v2.golden.txt' },
  { name: 'cluster json', args: ['pc', 'c', '-f', dump, '--port', '9080', '--direction', 'outbound', '-o', 'json'], golden: 'cluster-9080.golden.json' },
  { name: 'listener table', args: ['pc', 'listener', '-f', dump], golden: 'listener.golden.txt' },
  { name: 'listener short form', args: ['pc', 'listeners', '-f', dump, '--verbose=false'], golden: 'listener-short.golden.txt' },
  { name: 'listener by port and type', args: ['pc', 'l', '-f', dump, '--port', '15006', '--type', 'HTTP+TCP'], golden: 'listener-15006.golden.txt' },
  { name: 'route table', args: ['pc', 'route', '-f', dump], golden: 'route.golden.txt' },
  { name: 'route by name yaml', args: ['pc', 'routes', '-f', dump, '--name', '9080', '-o', 'yaml'], golden: 'route-9080.golden.yaml' },
  { name: 'endpoint from config_dump (EDS)', args: ['pc', 'endpoint', '-f', dump], golden: 'endpoint-eds.golden.txt' },
  { name: 'hidden eds subcommand by cluster', args: ['pc', 'eds', '-f', dump, '--cluster', 'outbound|9080||reviews.bookinfo.svc.cluster.local', '-o', 'json'], golden: 'eds-reviews.golden.json' },
  { name: 'endpoint from /clusters json', args: ['pc', 'ep', '-f', path.join(dir, 'clusters.json')], golden: 'endpoint-clusters.golden.txt' },
  { name: 'endpoint unhealthy only', args: ['pc', 'ep', '-f', path.join(dir, 'clusters.json'), '--status', 'unhealthy'], golden: 'endpoint-unhealthy.golden.txt' },
  { name: 'secret table', args: ['pc', 'secret', '-f', dump], golden: 'secret.golden.txt' },
  { name: 'bootstrap short', args: ['pc', 'bootstrap', '-f', dump, '-o', 'short'], golden: 'bootstrap.golden.txt' },
  { name: 'all with headers', args: ['pc', 'all', '-f', dump, '--with-headers'], golden: 'all.golden.txt' },
  { name: 'gateway routes (exact path, regex, empty vhost)', args: ['pc', 'route', '-f', 'fixtures/envoy/gateway/config_dump.json'], golden: '../gateway/route.golden.txt' },
  { name: 'gateway listeners (SNI)', args: ['pc', 'listener', '-f', 'fixtures/envoy/gateway/config_dump.json'], golden: '../gateway/listener.golden.txt' },
  { name: 'log levels from a saved /logging', args: ['pc', 'log', '-f', path.join(dir, 'logging.txt')], golden: 'log.golden.txt' },
];

describe('proxy-config goldens', () => {
  const names = goldens.map((g) => g.golden);
  it('has no duplicate rows', () => expect(new Set(names).size).toBe(names.length));
  for (const g of goldens) {
    it(g.name, async () => {
      const r = await runCli(g.args, { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const file = path.join(dir, g.golden);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing golden ${file}; run with UPDATE_GOLDEN=1`);
        writeFileSync(file, r.stdout);
      }
      expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('proxy-config all on a dump without EDS', () => {
  it('prints the other sections and warns about the missing one', async () => {
    const r = await runCli(['pc', 'all', '-f', 'fixtures/envoy/gateway/config_dump.json'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Warning: endpoints info: config dump has no endpoints (EDS)\n');
    expect(r.stdout).toContain('listener/0.0.0.0_8443');
    expect(r.stdout).not.toContain('NAME     STATUS');
  });
  it('a dump with none of the sections: exit 1 after the warnings, never an empty summary that passes', async () => {
    const r = await runCli(['pc', 'all', '-f', '-'], { env, stdin: '{"configs": []}' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.match(/^Warning: /gm)).toHaveLength(6);
    expect(r.stderr).toContain('Error: the config dump has none of the sections proxy-config all shows');
  });
  it('-o json prints the dump itself', async () => {
    const r = await runCli(['pc', 'all', '-f', 'fixtures/envoy/gateway/config_dump.json', '-o', 'json'], { env });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync('fixtures/envoy/gateway/config_dump.json', 'utf8')));
  });
});

describe('proxy-config errors', () => {
  const cases: { name: string; args: string[]; code: number; stderr: RegExp }[] = [
    { name: 'no pod and no file', args: ['pc', 'cluster'], code: 64, stderr: /requires pod name or --file parameter/ },
    { name: 'pod and file', args: ['pc', 'cluster', 'productpage-v1', '-f', dump], code: 64, stderr: /only one of/ },
    { name: 'missing file', args: ['pc', 'cluster', '-f', path.join(dir, 'nope.json')], code: 66, stderr: /no such file/ },
    { name: 'bad port', args: ['pc', 'cluster', '-f', dump, '--port', 'http'], code: 64, stderr: /not a port number/ },
    { name: 'bad output', args: ['pc', 'cluster', '-f', dump, '-o', 'wide'], code: 64, stderr: /invalid output format/ },
    { name: 'wrong kind of file', args: ['pc', 'cluster', '-f', path.join(dir, 'stats-default.txt')], code: 1, stderr: /holds an Envoy \/stats response, but this needs an Envoy \/config_dump/ },
    { name: 'clusters json where a dump is needed', args: ['pc', 'route', '-f', path.join(dir, 'clusters.json')], code: 1, stderr: /needs an Envoy \/config_dump/ },
    { name: 'endpoint on a dump without EDS', args: ['pc', 'endpoint', '-f', 'fixtures/envoy/gateway/config_dump.json'], code: 1, stderr: /no endpoints \(EDS\)\n.*include_eds/ },
    { name: 'log level change on a file', args: ['pc', 'log', '-f', path.join(dir, 'logging.txt'), '--level', 'debug'], code: 1, stderr: /cannot change log levels in a saved file/ },
    { name: 'unknown log level', args: ['pc', 'log', '-f', path.join(dir, 'logging.txt'), '--level', 'xxx'], code: 64, stderr: /unrecognized logging level: xxx/ },
    { name: 'bad pod reference', args: ['pc', 'cluster', 'job/foo'], code: 64, stderr: /unsupported resource type "job"/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCli(c.args, { env });
      expect(r.code).toBe(c.code);
      expect(r.stderr).toMatch(c.stderr);
      expect(r.stdout).toBe('');
    });
  }
});

describe('-o yaml as istioctl prints it (JSONToYAML: sorted keys, go-yaml quoting)', () => {
  it('sorts keys, does not indent sequences, double-quotes timestamps and numbers, single-quotes the rest', async () => {
    const { goYaml } = await import('../../../src/output/go-yaml.js');
    expect(goYaml({ versionInfo: '2022-12-08T09:07:09Z/10', lastUpdated: '2022-12-08T11:03:53.361Z', ecdsFilter: { '@type': 't', value: '{"a":1}' }, list: [{ b: '1605', a: 'on' }], count: 3 })).toBe(
      [
        'count: 3',
        'ecdsFilter:',
        "  '@type': t",
        `  value: '{"a":1}'`,
        'lastUpdated: "2022-12-08T11:03:53.361Z"',
        'list:',
        '- a: "on"',
        '  b: "1605"',
        'versionInfo: 2022-12-08T09:07:09Z/10',
        '',
      ].join('\n'),
    );
  });
  it('pc all -o yaml is the raw dump (snake_case), as istioctl; pc ecds -o yaml is protojson (camelCase)', async () => {
    const all = await runCli(['pc', 'all', '-f', 'fixtures/envoy/sidecar/config_dump.json', '-o', 'yaml'], { env });
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('dynamic_active_clusters:');
    expect(all.stdout.endsWith('\n\n')).toBe(true);
    const listeners = await runCli(['pc', 'listener', '-f', 'fixtures/envoy/sidecar/config_dump.json', '-o', 'yaml'], { env });
    expect(listeners.stdout).toContain('filterChains:');
    expect(listeners.stdout).not.toMatch(/^\s*filter_chains:/m);
  });
});
