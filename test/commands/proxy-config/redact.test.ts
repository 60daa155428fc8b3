/**
 * proxy-config never prints key material, whatever the source (-f with a dump Envoy did not
 * redact) and whatever -o; `secret -o json` keeps Envoy's own field shapes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'istio-ts-redact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tU0VDUkVU';
const SECRETS = ['KEY-IN-CLUSTER', 'PASS-IN-CLUSTER', 'VElDS0VULUtFWQ==', 'HMAC-IN-LISTENER', 'R0VORVJJQy1TRUNSRVQ=', KEY];

// The sidecar fixture, with Envoy's redaction undone and key material added outside the secrets section.
const dump = JSON.parse(readFileSync('fixtures/envoy/sidecar/config_dump.json', 'utf8').replaceAll('"W3JlZGFjdGVkXQ=="', `"${KEY}"`)) as { configs: Record<string, unknown>[] };
const clusters = dump.configs.find((c) => String(c['@type']).endsWith('ClustersConfigDump'))!;
(clusters.dynamic_active_clusters as Record<string, unknown>[]).push({
  version_info: '1',
  cluster: {
    '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
    name: 'outbound|443||legacy.example.com',
    type: 'STRICT_DNS',
    transport_socket: {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        common_tls_context: { tls_certificates: [{ certificate_chain: { inline_string: 'CERT-CHAIN' }, private_key: { inline_string: 'KEY-IN-CLUSTER' }, password: { inline_string: 'PASS-IN-CLUSTER' } }] },
        session_ticket_keys: { keys: [{ inline_bytes: 'VElDS0VULUtFWQ==' }] },
      },
    },
  },
});
const listeners = dump.configs.find((c) => String(c['@type']).endsWith('ListenersConfigDump'))!;
(listeners.dynamic_listeners as Record<string, unknown>[]).push({
  name: 'oauth',
  active_state: {
    listener: {
      '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
      name: 'oauth',
      address: { socket_address: { address: '0.0.0.0', port_value: 9999 } },
      filter_chains: [{ filters: [{ name: 'oauth2', typed_config: { credentials: { hmac_secret: { generic_secret: { secret: { inline_string: 'HMAC-IN-LISTENER' } } } }, extra: { generic_secret: { secret: { inline_bytes: 'R0VORVJJQy1TRUNSRVQ=' } } } } }] }],
    },
  },
});
const file = path.join(dir, 'leaky_config_dump.json');
writeFileSync(file, JSON.stringify(dump, null, 2));

describe('proxy-config -f redacts key material in every output', () => {
  const runs = [
    ['all', '-o', 'json'],
    ['all', '-o', 'yaml'],
    ['all'],
    ['cluster', '-o', 'json'],
    ['cluster', '-o', 'yaml'],
    ['cluster', '--fqdn', 'legacy.example.com', '-o', 'json'],
    ['listener', '-o', 'json'],
    ['listener', '--port', '9999', '-o', 'yaml'],
    ['secret', '-o', 'json'],
    ['secret', '-o', 'yaml'],
    ['secret'],
    ['bootstrap', '-o', 'json'],
  ];
  it.each(runs.map((a) => [a.join(' '), a] as const))('proxy-config %s', async (_name, args) => {
    const r = await runCli(['proxy-config', ...args, '-f', file]);
    expect(r.code).toBe(0);
    for (const s of SECRETS) expect(r.stdout).not.toContain(s);
  });

  it('keeps what is not a key (the certificate chain) and the shape of what is', async () => {
    const r = await runCli(['proxy-config', 'cluster', '--fqdn', 'legacy.example.com', '-o', 'json', '-f', file]);
    expect(r.stdout).toContain('CERT-CHAIN');
    expect(r.stdout).toMatch(/"privateKey": \{\s*"inlineString": "\[redacted\]"/);
  });

  it('secret -o json: private_key stays inline_bytes, as Envoy prints a redacted key', async () => {
    const r = await runCli(['proxy-config', 'secret', '-o', 'json', '-f', file]);
    expect(r.stdout).toMatch(/"privateKey": \{\s*"inlineBytes": "W3JlZGFjdGVkXQ=="\s*\}/);
    expect(r.stdout).not.toContain('"inlineString": "[redacted]"');
  });

  it('all -o json of a dump Envoy already redacted is printed as is', async () => {
    const original = 'fixtures/envoy/sidecar/config_dump.json';
    const r = await runCli(['proxy-config', 'all', '-o', 'json', '-f', original]);
    const text = readFileSync(original, 'utf8');
    expect(r.stdout).toBe(text.endsWith('\n') ? text : `${text}\n`);
  });
});
