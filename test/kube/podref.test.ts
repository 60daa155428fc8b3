import { describe, expect, it } from 'vitest';
import { comparePodsForPick, parsePodRef, PodRefError, selectorOf } from '../../src/kube/podref.js';
import type { KubeObject } from '../../src/kube/types.js';

describe('parsePodRef', () => {
  it.each([
    ['productpage-v1-6b7f6d5c8-x2x9q', { kind: 'Pod', name: 'productpage-v1-6b7f6d5c8-x2x9q', namespace: 'default' }],
    ['productpage-v1-6b7f6d5c8-x2x9q.bookinfo', { kind: 'Pod', name: 'productpage-v1-6b7f6d5c8-x2x9q', namespace: 'bookinfo' }],
    ['deploy/istio-ingressgateway.istio-system', { kind: 'Deployment', name: 'istio-ingressgateway', namespace: 'istio-system' }],
    ['deployment/reviews-v2', { kind: 'Deployment', name: 'reviews-v2', namespace: 'default' }],
    ['svc/reviews', { kind: 'Service', name: 'reviews', namespace: 'default' }],
    ['sts/db.data', { kind: 'StatefulSet', name: 'db', namespace: 'data' }],
  ])('%s', (ref, want) => expect(parsePodRef(ref, 'default')).toEqual(want));
  it.each(['job/x', 'Pod_Name', '', 'deploy/'])('rejects %j', (ref) => expect(() => parsePodRef(ref, 'default')).toThrow(PodRefError));
});

describe('selectorOf', () => {
  it.each([
    [{ kind: 'Deployment', spec: { selector: { matchLabels: { app: 'reviews', version: 'v2' } } } }, 'app=reviews,version=v2'],
    [{ kind: 'Deployment', spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'canary', operator: 'DoesNotExist' }] } } }, 'tier in (a,b),!canary'],
    [{ kind: 'Service', spec: { selector: { app: 'reviews' } } }, 'app=reviews'],
    [{ kind: 'Service', spec: {} }, ''],
  ])('%j', (o, want) => expect(selectorOf(o as KubeObject)).toBe(want));
});

describe('pod pick order', () => {
  const pod = (name: string, phase: string, ready: boolean, created: string): KubeObject => ({
    metadata: { name, creationTimestamp: created },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  it('prefers ready, then running, then newer', () => {
    const pods = [pod('pending', 'Pending', false, '2026-01-03'), pod('old-ready', 'Running', true, '2026-01-01'), pod('new-ready', 'Running', true, '2026-01-02'), pod('unready', 'Running', false, '2026-01-04')];
    expect([...pods].sort(comparePodsForPick).map((p) => p.metadata?.name)).toEqual(['new-ready', 'old-ready', 'unready', 'pending']);
  });
});
