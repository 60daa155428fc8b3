/**
 * The data model of `diagnose`: what a capture holds (CaptureData), the request path resolved from
 * it (RequestPath), the evidence probes report, and the diagnosis attribution returns.
 *
 * A capture is read from a directory (capture.ts) or, later, collected live; both produce the same
 * CaptureData, so every probe and the attribution work the same on a postmortem and on a live run.
 */
import type { LoadedObject } from '../resources/loader.js';
import type { ConfigDump } from '../envoy/configdump.js';
import type { ClusterStatus } from '../envoy/host-status.js';
import type { Stat } from '../envoy/stats.js';

/** DIR/capture.json. */
export interface CaptureMeta {
  /** Client pod ("name.namespace", "namespace/name", or a bare name) or "ingress". */
  readonly from: string;
  /** Service host[:port] or pod. */
  readonly to: string;
  /** Gateway pod or gateway Service the request goes through. */
  readonly via?: string;
  /** When the capture was taken (RFC 3339); the clock for certificate validity and --since. */
  readonly time: string;
  readonly istioTsVersion: string;
  /** Files the collector could not read, and why. */
  readonly notCollected?: readonly NotCollected[];
}

/**
 * A capture file that is missing because reading it failed. "unreachable": the sidecar's admin
 * API did not answer inside the pod (evidence against that sidecar); "failed": anything else
 * (RBAC, the API server, a slow large response), which is evidence of nothing.
 */
export interface NotCollected {
  readonly file: string;
  readonly reason: 'unreachable' | 'failed';
  readonly error: string;
}

/** A file of the capture that a probe read, and what in it (for evidence lines). */
export interface Source {
  /** Path relative to the capture directory, e.g. "proxies/default/sleep-7d4b8/config_dump.json". */
  readonly file: string;
}

/** Everything saved from one proxy (DIR/proxies/<ns>/<pod>/). */
export interface ProxyCapture {
  readonly namespace: string;
  readonly pod: string;
  readonly configDump?: ConfigDump;
  readonly clusters?: ClusterStatus[];
  readonly stats?: Stat[];
  /** The istio-proxy container log (access-log lines among agent lines). */
  readonly log?: string;
  /**
   * /proc/net/tcp and /proc/net/tcp6 of the pod's network namespace (read in the istio-proxy
   * container, which shares it with the app): which ports the app listens on, and on what address.
   */
  readonly sockets?: string;
  /** Relative paths of the files above, by kind. */
  readonly files: Partial<Record<ProxyFileKind, string>>;
}

export type ProxyFileKind = 'configDump' | 'clusters' | 'stats' | 'log' | 'sockets';

/** One entry of istiod's /debug/syncz. */
export interface SyncEntry {
  readonly proxy: string;
  readonly istioVersion?: string;
  /** Per xDS type (CDS, LDS, RDS, EDS, ECDS…): nonces sent and acked, and the last NACK. */
  readonly types: Record<string, { sent: string; acked: string; lastError: string }>;
}

export interface CaptureData {
  readonly meta: CaptureMeta;
  /** DIR/cluster/*.yaml: the involved Kubernetes and Istio objects, with file:line. */
  readonly objects: readonly LoadedObject[];
  /** DIR/istiod/syncz.json, when saved. */
  readonly syncz?: readonly SyncEntry[];
  readonly proxies: readonly ProxyCapture[];
  /** Files that exist but could not be read or parsed (they become "unknown", never "ok"). */
  readonly problems: readonly { file: string; message: string }[];
}

/** The walk of a request, in order. control-plane runs beside the path. */
export const SEGMENTS = ['client-app', 'client-sidecar', 'network', 'gateway', 'server-sidecar', 'server-app', 'control-plane'] as const;
export type SegmentName = (typeof SEGMENTS)[number];

export type SegmentStatus = 'ok' | 'fault' | 'unknown';

/** The verdict names the segment at fault; both app segments are "app" (-o json contract). */
export type VerdictSegment = 'app' | 'client-sidecar' | 'network' | 'gateway' | 'server-sidecar' | 'control-plane' | 'none' | 'unknown';
export type Confidence = 'high' | 'medium' | 'low';

/** A probe's finding, before attribution. `id` is an evidence catalog id (evidence.ts). */
export interface Evidence {
  readonly id: string;
  readonly probe: string;
  readonly segment: SegmentName;
  /**
   * "warning": a fault a probe found that does not explain what the access logs show (the
   * requests passed the segment, or failed for a reason this cannot cause). Attribution demotes
   * such faults; probes report only ok, fault or info.
   */
  readonly status: 'ok' | 'fault' | 'info' | 'warning';
  /** 3: decides the segment by itself; 2: points at it; 1: a symptom seen there. */
  readonly weight: 1 | 2 | 3;
  /**
   * The segments a fault there can be caused by (its causal chain), its own segment first. A
   * fault corroborates another only when the other's segment is in this list.
   */
  readonly causes: readonly SegmentName[];
  readonly summary: string;
  /** File of the capture and what in it, e.g. "proxies/default/sleep/config_dump.json: route 9080". */
  readonly source: string;
  readonly nextStep?: string;
}

export interface SegmentResult {
  readonly name: SegmentName;
  readonly status: SegmentStatus;
  readonly evidence: readonly Evidence[];
}

export interface Verdict {
  readonly segment: VerdictSegment;
  readonly confidence: Confidence;
  readonly summary: string;
}

export interface Diagnosis {
  readonly from: string;
  readonly to: string;
  readonly via?: string;
  readonly verdict: Verdict;
  readonly segments: readonly SegmentResult[];
  readonly nextSteps: readonly string[];
}
