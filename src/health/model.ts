/**
 * The health model: a verdict per segment, each backed by checks that carry their evidence (the
 * query or the read, its value, the threshold) and the next command to run. Pure data.
 */

export type Verdict = 'OK' | 'DEGRADED' | 'FAIL' | 'UNKNOWN';

/**
 * Segments, as `diagnose` names them for one request path, plus the mesh-wide ones:
 * control-plane (istiod and its Kubernetes objects), sidecars (connected, synced, certificates),
 * traffic (what Prometheus can or cannot say about edges as a whole), and per edge the five
 * segments a request crosses.
 */
export type SegmentKind = 'control-plane' | 'sidecars' | 'traffic' | 'client-sidecar' | 'gateway' | 'network' | 'server-sidecar' | 'server-app';

export const EDGE_SEGMENTS: readonly SegmentKind[] = ['client-sidecar', 'gateway', 'network', 'server-sidecar', 'server-app'];

export type Source = 'kubernetes' | 'istiod' | 'envoy' | 'prometheus';

export interface Evidence {
  readonly source: Source;
  /** The PromQL query, or what was read ("GET /debug/syncz from istiod-7d9c.istio-system"). */
  readonly read: string;
  /** The value read, as text ("3 of 4", "0.12", "absent"). */
  readonly value: string;
  /** The threshold it was judged against ("> 0 → FAIL"), or "" when there is none. */
  readonly threshold: string;
}

export interface Check {
  /** Catalog id ("cp.xds-rejects", "edge.server-app"). */
  readonly id: string;
  readonly title: string;
  readonly verdict: Verdict;
  /** One line: what was found, in words. */
  readonly message: string;
  readonly evidence: readonly Evidence[];
  /** The command to run next ("istio-ts proxy-status -n shop"). */
  readonly next?: string;
}

export interface Segment {
  readonly kind: SegmentKind;
  /** What the segment is about: "istio-system", an edge "frontend.shop → cart.shop". */
  readonly scope: string;
  readonly verdict: Verdict;
  readonly checks: readonly Check[];
}

export interface HealthReport {
  /** The end of the judged window (RFC 3339). */
  readonly at: string;
  /** Whether --at was given (a past window: Kubernetes and istiod reads describe now, so they are left out). */
  readonly historical: boolean;
  readonly window: string;
  readonly namespace: string | null;
  readonly prometheus: { readonly url: string | null; readonly how: 'flag' | 'discovered' | 'none'; readonly error?: string };
  readonly verdict: Verdict;
  readonly segments: readonly Segment[];
}

const RANK: Record<Verdict, number> = { OK: 0, UNKNOWN: 1, DEGRADED: 2, FAIL: 3 };

/** The worst verdict: FAIL > DEGRADED > UNKNOWN > OK; nothing at all is UNKNOWN. */
export function worst(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) return 'UNKNOWN';
  return verdicts.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'OK' as Verdict);
}

export function segment(kind: SegmentKind, scope: string, checks: readonly Check[]): Segment {
  return { kind, scope, verdict: worst(checks.map((c) => c.verdict)), checks };
}

/**
 * Exit codes of `health` (also in src/cli/errors.ts): 0 only when every segment in scope is OK;
 * 81 a segment FAILs; 82 a segment is DEGRADED (none fails); 83 cannot tell: some segment is
 * UNKNOWN and none is DEGRADED or FAIL (nothing reachable is 83, never 0).
 */
export const HEALTH_EXIT = { OK: 0, FAIL: 81, DEGRADED: 82, UNKNOWN: 83 } as const;

export function exitCodeOf(v: Verdict): number {
  return HEALTH_EXIT[v];
}
