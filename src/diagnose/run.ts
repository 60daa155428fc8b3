/**
 * Runs every probe over a capture and attributes the evidence. A probe that throws becomes a
 * "probe failed" line and the run continues; evidence ids a probe did not declare are reported
 * as a probe failure (a bug), like the analysis engine does for messages.
 */
import { attribute, pathSegments } from './attribute.js';
import { evidence as makeEvidence, type EvidenceId } from './evidence.js';
import type { CaptureData, Diagnosis, Evidence } from './model.js';
import { resolvePath } from './path.js';
import { allProbes } from './probes/index.js';
import type { Probe, ProbeOptions } from './probes/types.js';

export interface DiagnoseResult {
  readonly diagnosis: Diagnosis;
  readonly evidence: readonly Evidence[];
}

export function diagnose(capture: CaptureData, options: ProbeOptions = {}, probes: readonly Probe[] = allProbes): DiagnoseResult {
  const path = resolvePath(capture);
  const now = new Date(capture.meta.time);
  const evidence: Evidence[] = [];
  for (const p of capture.problems) evidence.push(makeEvidence('capture', 'capture.unreadable', 'control-plane', { file: p.file, error: p.message }, p.file));
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
