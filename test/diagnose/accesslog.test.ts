import { describe, expect, it } from 'vitest';
import { direction, isFailure, parseAccessLog } from '../../src/diagnose/accesslog.js';
import { isLoopback, parseListeningSockets } from '../../src/diagnose/sockets.js';

const TEXT_UF =
  '[2026-11-21T12:58:10.100Z] "GET /api/cart/4100 HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{connection_timeout} - "delayed connect error: 110" 0 91 10003 - "-" "frontend/2.3.1" "6f1d2c4e-03e8-4b7a" "cart.shop:8080" "10.244.1.17:8080" outbound|8080||cart.shop.svc.cluster.local 10.244.2.9:40100 10.96.41.12:8080 10.244.2.9:39800 - default';
const TEXT_TCP = '[2026-11-21T12:58:11.000Z] "- - -" 0 UF - - "-" 0 0 1 - "-" "-" "-" "-" "10.244.1.20:5432" outbound|5432||db.shop.svc.cluster.local - 10.96.3.3:5432 10.244.2.9:41000 - -';
const TEXT_RBAC = '[2026-11-21T12:58:12.000Z] "GET /api HTTP/1.1" 403 - rbac_access_denied_matched_policy[none] - "-" 0 19 0 - "-" "curl/8.5.0" "r-1" "cart.shop:8080" "-" inbound|8080|| - 10.244.1.17:8080 10.244.2.9:51234 outbound_.8080_._.cart.shop.svc.cluster.local default';
const JSON_OK = JSON.stringify({ start_time: '2026-11-21T12:58:13.000Z', method: 'GET', path: '/api', protocol: 'HTTP/1.1', response_code: 200, response_flags: '-', response_code_details: 'via_upstream', duration: 5, request_id: 'r-2', authority: 'cart.shop:8080', upstream_host: '10.244.1.17:8080', upstream_cluster: 'inbound|8080||', route_name: 'default' });
const AGENT = '2026-11-21T12:40:44.913160Z\tinfo\tEnvoy proxy is ready';
const AGENT_JSON = '{"level":"info","time":"2026-11-21T12:40:44.913160Z","msg":"Envoy proxy is ready"}';

describe('parseAccessLog', () => {
  const entries = parseAccessLog([AGENT, TEXT_UF, AGENT_JSON, TEXT_TCP, TEXT_RBAC, JSON_OK, ''].join('\n'));

  it('keeps access-log lines, with their line numbers, and skips agent lines', () => {
    expect(entries.map((e) => e.line)).toEqual([2, 4, 5, 6]);
  });

  it.each([
    { i: 0, field: { code: 503, flags: 'UF,URX', details: 'upstream_reset_before_response_started{connection_timeout}', transportFailure: 'delayed connect error: 110', duration: 10003, requestId: '6f1d2c4e-03e8-4b7a', authority: 'cart.shop:8080', upstreamHost: '10.244.1.17:8080', upstreamCluster: 'outbound|8080||cart.shop.svc.cluster.local', routeName: 'default', method: 'GET', path: '/api/cart/4100' } },
    { i: 1, field: { code: 0, flags: 'UF', method: '', path: '', requestId: '', authority: '', upstreamCluster: 'outbound|5432||db.shop.svc.cluster.local' } },
    { i: 2, field: { code: 403, flags: '', details: 'rbac_access_denied_matched_policy[none]', upstreamHost: '', upstreamCluster: 'inbound|8080||' } },
    { i: 3, field: { code: 200, flags: '', details: 'via_upstream', requestId: 'r-2', duration: 5, upstreamCluster: 'inbound|8080||' } },
  ])('line $i fields', ({ i, field }) => {
    expect(entries[i]).toMatchObject(field);
  });

  it('tells direction and failure', () => {
    expect(entries.map(direction)).toEqual(['outbound', 'outbound', 'inbound', 'inbound']);
    expect(entries.map(isFailure)).toEqual([true, true, true, false]);
  });
});

describe('parseListeningSockets', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 48211 1 0000000000000000 100 0 0 10 0',
    '   1: 00000000:3A99 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1337        0 48212 1 0000000000000000 100 0 0 10 0',
    '   2: 110AF40A:1F90 090AF40A:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 48213 1 0000000000000000 100 0 0 10 0',
    '   3: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 48214 1 0000000000000000 100 0 0 10 0',
    '   4: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 48215 1 0000000000000000 100 0 0 10 0',
  ].join('\n');

  it('reads LISTEN sockets only, IPv4 and IPv6', () => {
    expect(parseListeningSockets(text)).toEqual([
      { address: '127.0.0.1', port: 8080 },
      { address: '0.0.0.0', port: 15001 },
      { address: '::1', port: 3000 },
      { address: '::', port: 8081 },
    ]);
  });

  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.244.1.17', false],
  ])('isLoopback(%s) = %s', (a, want) => {
    expect(isLoopback(a)).toBe(want);
  });
});
