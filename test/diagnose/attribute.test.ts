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
  ])('$name', ({ evidence: e, want }) => {
    const d = attribute({ from: 'a', to: 'b', segments: SEGS, evidence: e });
    expect({ segment: d.verdict.segment, confidence: d.verdict.confidence }).toEqual(want);
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
