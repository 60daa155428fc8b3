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
