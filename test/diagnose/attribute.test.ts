import { describe, expect, it } from 'vitest';
import { attribute, pathSegments } from '../../src/diagnose/attribute.js';
import { evidence, EVIDENCE, type EvidenceId } from '../../src/diagnose/evidence.js';
import type { Evidence, SegmentName } from '../../src/diagnose/model.js';

const SEGS = pathSegments({ ingress: false, gateways: [] });
const ev = (probe: string, id: EvidenceId, segment: SegmentName): Evidence => evidence(probe, id, segment, {}, 'proxies/x/y/file');
const okAll = SEGS.map((s) => ev('pod-status', 'pod.container-ready', s));
const requestSeen = ev('access-log', 'log.ok', 'client-sidecar');

describe('attribute', () => {
  it.each([
    { name: 'no evidence at all: unknown, never ok', evidence: [], want: { segment: 'unknown', confidence: 'low' } },
    { name: 'ok evidence on every segment and a request seen: none, high', evidence: [...okAll, requestSeen], want: { segment: 'none', confidence: 'high' } },
    { name: 'ok evidence but no request in the access logs: none, medium', evidence: okAll, want: { segment: 'none', confidence: 'medium' } },
    { name: 'ok but control plane unknown: none, medium', evidence: [...okAll.filter((e) => e.segment !== 'control-plane'), requestSeen], want: { segment: 'none', confidence: 'medium' } },
    { name: 'a segment without evidence: unknown', evidence: okAll.filter((e) => e.segment !== 'network'), want: { segment: 'unknown', confidence: 'low' } },
    { name: 'weight 3 decides: high', evidence: [...okAll, ev('access-log', 'log.app-error', 'server-app')], want: { segment: 'app', confidence: 'high' } },
    { name: 'weight 2 alone: medium', evidence: [...okAll, ev('clusters', 'clusters.connect-fail', 'network')], want: { segment: 'network', confidence: 'medium' } },
    { name: 'weight 2 with an access-log symptom: high', evidence: [...okAll, ev('clusters', 'clusters.connect-fail', 'network'), ev('access-log', 'log.reset', 'network')], want: { segment: 'network', confidence: 'high' } },
    { name: 'weight 1 alone: low', evidence: [...okAll, ev('access-log', 'log.reset', 'network')], want: { segment: 'network', confidence: 'low' } },
    { name: 'tie on weight: the control plane causes the rest', evidence: [...okAll, ev('access-log', 'log.no-route', 'client-sidecar'), ev('sync', 'sync.nack', 'control-plane')], want: { segment: 'control-plane', confidence: 'high' } },
    { name: 'a heavier fault wins over the path order', evidence: [...okAll, ev('sync', 'sync.stale', 'control-plane'), ev('access-log', 'log.app-error', 'server-app')], want: { segment: 'app', confidence: 'high' } },
    // A symptom corroborates only a fault in its causal chain: a UH at the client can come from
    // the client's subset, istiod or the server app; a fault elsewhere does not explain it (and
    // becomes a warning), so the symptom alone remains, at low confidence.
    { name: 'a symptom outside the causal chain does not corroborate', evidence: [...okAll, ev('clusters', 'clusters.connect-fail', 'network'), ev('access-log', 'log.no-healthy', 'client-sidecar')], want: { segment: 'client-sidecar', confidence: 'low' } },
    { name: 'without access-log lines, a weight-2 fault alone is medium', evidence: [...okAll, ev('clusters', 'clusters.connect-fail', 'network'), ev('stats', 'stats.inbound-tls-fail', 'server-sidecar')], want: { segment: 'network', confidence: 'medium' } },
    { name: 'a symptom in the causal chain corroborates', evidence: [...okAll, ev('config-path', 'path.endpoints-subset-empty', 'client-sidecar'), ev('access-log', 'log.no-healthy', 'client-sidecar')], want: { segment: 'client-sidecar', confidence: 'high' } },
    { name: 'a symptom on another segment corroborates its cause there', evidence: [...okAll, ev('pod-status', 'pod.container-not-ready', 'server-app'), ev('access-log', 'log.no-healthy', 'client-sidecar')], want: { segment: 'app', confidence: 'high' } },
    // Equal weights on segments that do not explain each other: not settled by path order.
    { name: 'an unexplained tie lowers the confidence and says both', evidence: [...okAll, ev('proxy-admin', 'proxy.admin-unreachable', 'client-sidecar'), ev('pod-status', 'pod.container-not-ready', 'server-app')], want: { segment: 'client-sidecar', confidence: 'low' } },
    { name: 'a tie goes to the fault more evidence points at', evidence: [...okAll, ev('proxy-admin', 'proxy.admin-unreachable', 'client-sidecar'), ev('pod-status', 'pod.container-not-ready', 'server-app'), ev('clusters', 'clusters.outlier-ejected', 'server-app')], want: { segment: 'app', confidence: 'high' } },
  ])('$name', ({ evidence: e, want }) => {
    const d = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: e });
    expect({ segment: d.verdict.segment, confidence: d.verdict.confidence }).toEqual(want);
  });

  it('an unexplained tie names the other fault in the summary', () => {
    const d = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: [...okAll, evidence('proxy-admin', 'proxy.admin-unreachable', 'client-sidecar', { proxy: 'c' }, 's'), evidence('pod-status', 'pod.container-not-ready', 'server-app', { role: 'server', pod: 'p' }, 's')] });
    expect(d.verdict.summary).toMatch(/^c: the Envoy admin API did not answer .*; but equally: server pod p: container/);
  });

  it('requests that failed: faults that cannot explain them are warnings, not faults', () => {
    const e = [...okAll, ev('access-log', 'log.app-error', 'server-app'), ev('analyzers', 'analyzer.finding', 'client-sidecar'), ev('stats', 'stats.overflow', 'client-sidecar')];
    const d = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: e });
    expect(d.verdict.segment).toBe('app');
    const client = d.segments.find((s) => s.name === 'client-sidecar')!;
    expect(client.status).toBe('ok');
    expect(client.evidence.filter((x) => x.status === 'warning').map((x) => x.id)).toEqual(['analyzer.finding', 'stats.overflow']);
    // Warnings add no next steps.
    expect(d.nextSteps).toEqual([EVIDENCE['log.app-error'].next]);
  });

  it('requests that all passed refute counters and hints, not current state', () => {
    const passed = ev('access-log', 'log.ok', 'client-sidecar');
    const d = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: [...okAll, passed, ev('stats', 'stats.overflow', 'client-sidecar'), ev('analyzers', 'analyzer.warning', 'client-sidecar')] });
    expect(d.verdict.segment).toBe('none');
    const state = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: [...okAll, passed, ev('proxy-admin', 'proxy.admin-unreachable', 'server-sidecar')] });
    expect(state.verdict.segment).toBe('server-sidecar');
    // No access-log lines at all: nothing refutes anything.
    const blind = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: [...okAll, ev('stats', 'stats.overflow', 'client-sidecar')] });
    expect(blind.verdict).toMatchObject({ segment: 'client-sidecar', confidence: 'medium' });
  });

  it('a segment is fault over ok, ok over info, unknown without ok', () => {
    const d = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: [ev('x', 'pod.container-ready', 'network'), ev('x', 'clusters.connect-fail', 'network'), ev('x', 'stats.trimmed', 'control-plane')] });
    const status = Object.fromEntries(d.segments.map((s) => [s.name, s.status]));
    expect(status).toMatchObject({ network: 'fault', 'control-plane': 'unknown', 'client-app': 'unknown' });
  });

  it('next steps start with the verdict evidence and are unique', () => {
    const d = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: [...okAll, ev('x', 'clusters.connect-fail', 'network'), ev('x', 'clusters.connect-fail', 'network'), ev('y', 'sync.nack', 'control-plane')] });
    expect(d.nextSteps[0]).toBe(EVIDENCE['sync.nack'].next);
    expect(new Set(d.nextSteps).size).toBe(d.nextSteps.length);
  });

  it('segments follow the path: no client segments for ingress, a gateway with --via', () => {
    expect(pathSegments({ ingress: true, gateways: [] })).toEqual(['network', 'gateway', 'server-sidecar', 'server-app', 'control-plane']);
    expect(pathSegments({ ingress: false, gateways: [], via: 'egress' })).toContain('gateway');
  });
});
