import type { EvidenceArgs, EvidenceId } from '../evidence.js';
import type { CaptureData, SegmentName } from '../model.js';
import type { PodView, RequestPath } from '../path.js';

export interface ProbeOptions {
  /** Only access-log lines at most this long before the capture time (--since). */
  readonly sinceMs?: number;
  /** Only requests whose path starts with this (--path). */
  readonly httpPath?: string;
}

export interface ProbeContext {
  readonly capture: CaptureData;
  readonly path: RequestPath;
  /** The capture time: certificates and --since are judged against it, not the wall clock. */
  readonly now: Date;
  readonly options: ProbeOptions;
  report(id: EvidenceId, segment: SegmentName, args: EvidenceArgs, source: string): void;
}

/** One evidence source: metadata plus one pure function (like an analyzer). */
export interface Probe {
  readonly name: string;
  /** What passing means. */
  readonly description: string;
  /** Capture files the probe reads. */
  readonly reads: readonly string[];
  /** Every evidence id it may report; reporting another is a bug the runner reports. */
  readonly evidence: readonly EvidenceId[];
  run(ctx: ProbeContext): void;
}

export function defineProbe(p: Probe): Probe {
  return p;
}

export function sidecarSegment(p: PodView): SegmentName {
  return p.role === 'client' ? 'client-sidecar' : p.role === 'server' ? 'server-sidecar' : 'gateway';
}

export function appSegment(p: PodView): SegmentName {
  return p.role === 'client' ? 'client-app' : p.role === 'server' ? 'server-app' : 'gateway';
}

/** Every pod on the path: client, gateways, servers. */
export function pathPods(path: RequestPath): PodView[] {
  return [...(path.client ? [path.client] : []), ...path.gateways, ...path.servers];
}

/** Containers istio-proxy runs as: a regular container, or a native sidecar (init container with restartPolicy Always). */
export function sidecarContainer(pod: PodView): Record<string, unknown> | undefined {
  const spec = (pod.object.spec ?? {}) as Record<string, unknown>;
  const containers = (Array.isArray(spec.containers) ? spec.containers : []) as Record<string, unknown>[];
  const inits = (Array.isArray(spec.initContainers) ? spec.initContainers : []) as Record<string, unknown>[];
  return containers.find((c) => c.name === 'istio-proxy') ?? inits.find((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always');
}

export function proxyLabel(p: PodView): string {
  return `${p.name}.${p.namespace}`;
}

/** "2h13m", "45s": a duration in seconds, for evidence text. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s % 60}s`;
  return `${s}s`;
}

/** How long the pod's Envoy has run (server.uptime in /stats, seconds), when captured. */
export function envoyUptime(p: PodView): number | undefined {
  const v = p.proxy?.stats?.find((s) => s.name === 'server.uptime')?.value;
  return typeof v === 'number' ? v : undefined;
}

/**
 * Envoy counters are cumulative since the process started: what they count may be an hour old.
 * The age bound to add to a counter's evidence line, e.g. " (counted since Envoy started 2h13m
 * before the capture)", or "" when server.uptime was not captured.
 */
export function counterAge(p: PodView): string {
  const up = envoyUptime(p);
  return up === undefined ? '' : ` (counted since Envoy started ${formatSeconds(up)} before the capture)`;
}
