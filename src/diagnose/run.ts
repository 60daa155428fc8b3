/**
 * Runs every probe over a capture and attributes the evidence. A probe that throws becomes a
 * "probe failed" line and the run continues; evidence ids a probe did not declare are reported
 * as a probe failure (a bug), like the analysis engine does for messages.
 */
import { attribute, pathSegments } from './attribute.js';
import { evidence as makeEvidence, type EvidenceId } from './evidence.js';
import type { CaptureData, Diagnosis, Evidence, SegmentName } from './model.js';
import { resolvePath, type RequestPath } from './path.js';
import { allProbes } from './probes/index.js';
import { appSegment, pathPods, sidecarSegment, type Probe, type ProbeOptions } from './probes/types.js';

export interface DiagnoseResult {
  readonly diagnosis: Diagnosis;
  readonly evidence: readonly Evidence[];
}

export function diagnose(capture: CaptureData, options: ProbeOptions = {}, probes: readonly Probe[] = allProbes): DiagnoseResult {
  const path = resolvePath(capture);
  const now = new Date(capture.meta.time);
  const evidence: Evidence[] = [];
  // A file that could not be read leaves every segment it feeds "cannot tell" (see attribute.ts).
  for (const p of capture.problems) {
    for (const segment of fedSegments(p.file, path)) evidence.push(makeEvidence('capture', 'capture.unreadable', segment, { file: p.file, error: p.message }, p.file));
  }
  for (const probe of probes) {
    const declared = new Set<EvidenceId>(probe.evidence);
    const found: Evidence[] = [];
    try {
      probe.run({
        capture,
        path,
        now,
        options,
        report(id, segment, args, source) {
          if (!declared.has(id)) throw new Error(`reported undeclared evidence ${id}`);
          found.push(makeEvidence(probe.name, id, segment, args, source));
        },
      });
      evidence.push(...found);
    } catch (e) {
      evidence.push(...found, makeEvidence(probe.name, 'probe.failed', 'control-plane', { probe: probe.name, error: (e as Error)?.message ?? String(e) }, probe.reads.join(', ')));
    }
  }
  const segments = pathSegments({ ingress: path.ingress, gateways: path.gateways, via: capture.meta.via });
  const diagnosis = attribute({ from: capture.meta.from, to: capture.meta.to, ...(capture.meta.via ? { via: capture.meta.via } : {}), segments, evidence });
  return { diagnosis, evidence };
}

/**
 * The segments a capture file is evidence for: a proxy's files speak for its sidecar, its app and
 * the network next to it; cluster/ objects (pods, services) for the whole path; istiod's sync
 * state for the control plane.
 */
function fedSegments(file: string, path: RequestPath): SegmentName[] {
  const all: SegmentName[] = ['client-sidecar', 'network', 'gateway', 'server-sidecar', 'server-app', 'control-plane'];
  if (file.startsWith('istiod/')) return ['control-plane'];
  const m = /^proxies\/([^/]+)\/([^/]+)\//.exec(file);
  if (!m) return all;
  const pod = pathPods(path).find((p) => p.namespace === m[1] && p.name === m[2]);
  if (!pod) return ['control-plane'];
  return [...new Set<SegmentName>([sidecarSegment(pod), appSegment(pod), 'network'])].filter((s) => s !== 'client-app');
}
