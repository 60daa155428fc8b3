/**
 * Attribution: evidence → status per segment → verdict with confidence. Pure.
 *
 * A segment is "fault" when any evidence on it is a fault, "ok" when it has ok evidence and no
 * fault, and "unknown" otherwise: no evidence is never "ok". The verdict names the segment of the
 * heaviest fault (weight 3 decides by itself, 2 points at a segment, 1 is a symptom seen there);
 * ties go to the segment that causes the others (control plane first, then along the path from
 * the client). Confidence: weight 3 is high; weight 2 is high when another fault corroborates it,
 * else medium; weight 1 alone is low. "No fault" is high only with requests seen in the access
 * logs and the control plane in sync; any on-path segment without evidence makes it "unknown".
 */
import type { Confidence, Diagnosis, Evidence, SegmentName, SegmentResult, Verdict, VerdictSegment } from './model.js';
import type { RequestPath } from './path.js';

const CAUSAL_ORDER: readonly SegmentName[] = ['control-plane', 'client-sidecar', 'gateway', 'server-sidecar', 'network', 'server-app', 'client-app'];

/** The segments a request walks through, in order, with the control plane beside them. */
export function pathSegments(path: Pick<RequestPath, 'ingress' | 'gateways'> & { via?: string | undefined }): SegmentName[] {
  const out: SegmentName[] = [];
  if (!path.ingress) out.push('client-app', 'client-sidecar');
  out.push('network');
  if (path.ingress || path.gateways.length > 0 || path.via) out.push('gateway');
  out.push('server-sidecar', 'server-app', 'control-plane');
  return out;
}

/** A capture file this segment depends on could not be read (corrupt, truncated, missing). */
const UNREADABLE = 'capture.unreadable';

export function segmentStatus(evidence: readonly Evidence[]): SegmentResult['status'] {
  if (evidence.some((e) => e.status === 'fault')) return 'fault';
  // "ok" from the files that did parse cannot vouch for what the unreadable one would have shown.
  if (evidence.some((e) => e.id === UNREADABLE)) return 'unknown';
  if (evidence.some((e) => e.status === 'ok')) return 'ok';
  return 'unknown';
}

function verdictSegment(s: SegmentName): VerdictSegment {
  return s === 'server-app' || s === 'client-app' ? 'app' : s;
}

export interface AttributionInput {
  readonly from: string;
  readonly to: string;
  readonly via?: string;
  readonly segments: readonly SegmentName[];
  readonly evidence: readonly Evidence[];
}

export function attribute(input: AttributionInput): Diagnosis {
  const segments: SegmentResult[] = input.segments.map((name) => {
    const evidence = input.evidence.filter((e) => e.segment === name);
    return { name, status: segmentStatus(evidence), evidence };
  });
  const faults = input.evidence.filter((e) => e.status === 'fault' && input.segments.includes(e.segment));
  let verdict: Verdict;
  if (faults.length > 0) {
    // On a tie, a cause (a socket table, an analyzer finding, a NACK) names the fault better than
    // the access-log symptom it explains.
    const symptom = (e: Evidence) => Number(e.probe === 'access-log');
    const top = [...faults].sort((a, b) => b.weight - a.weight || CAUSAL_ORDER.indexOf(a.segment) - CAUSAL_ORDER.indexOf(b.segment) || symptom(a) - symptom(b))[0]!;
    const corroborated = faults.some((f) => f !== top && (f.segment === top.segment || f.probe === 'access-log' || top.probe === 'access-log'));
    const confidence: Confidence = top.weight === 3 ? 'high' : top.weight === 2 ? (corroborated ? 'high' : 'medium') : 'low';
    // "The app" is what is left when the proxies on the path look fine; with one of their files
    // unreadable that is not known, so the verdict cannot be the app.
    const unreadable = unreadableFiles(input.evidence, input.segments);
    if (verdictSegment(top.segment) === 'app' && unreadable.length > 0) {
      verdict = { segment: 'unknown', confidence: 'low', summary: `cannot tell: ${top.summary}, but ${unreadable.join(', ')} could not be read` };
    } else verdict = { segment: verdictSegment(top.segment), confidence, summary: top.summary };
  } else {
    const onPath = segments.filter((s) => s.name !== 'client-app' && s.name !== 'control-plane');
    const unknown = onPath.filter((s) => s.status === 'unknown').map((s) => s.name);
    if (unknown.length === 0) {
      const cp = segments.find((s) => s.name === 'control-plane')?.status === 'ok';
      // Config and counters can all look right while nobody has sent a request in the window:
      // without a request seen in the access logs, "no fault" is not proven for this path.
      const traffic = input.evidence.some((e) => e.probe === 'access-log' && e.status === 'ok');
      const summary = `no fault found: ${onPath.map((s) => s.name).join(', ')} ok on evidence${cp ? '; control plane in sync' : ''}${traffic ? '' : '; but no request to the target in the access logs'}`;
      verdict = { segment: 'none', confidence: cp && traffic ? 'high' : 'medium', summary };
    } else {
      const unreadable = unreadableFiles(input.evidence, input.segments);
      verdict = { segment: 'unknown', confidence: 'low', summary: `no fault found, but no evidence for ${unknown.join(', ')}${unreadable.length ? ` (could not read ${unreadable.join(', ')})` : ''}` };
    }
  }
  return {
    from: input.from,
    to: input.to,
    ...(input.via ? { via: input.via } : {}),
    verdict,
    segments,
    nextSteps: nextSteps(faults, verdict),
  };
}

function nextSteps(faults: readonly Evidence[], verdict: Verdict): string[] {
  const ordered = [...faults].sort((a, b) => Number(b.summary === verdict.summary) - Number(a.summary === verdict.summary) || b.weight - a.weight);
  const out: string[] = [];
  // A step is "cmd; cmd"; one whose commands all appear in earlier steps adds nothing (the NACK
  // and the update_rejected counter of the same proxy both suggest grepping its log).
  const seen = new Set<string>();
  for (const f of ordered) {
    if (!f.nextStep) continue;
    const cmds = f.nextStep.split('; ');
    if (cmds.every((c) => seen.has(c))) continue;
    out.push(f.nextStep);
    for (const c of cmds) seen.add(c);
  }
  return out.slice(0, 5);
}

function unreadableFiles(evidence: readonly Evidence[], segments: readonly SegmentName[]): string[] {
  return [...new Set(evidence.filter((e) => e.id === UNREADABLE && segments.includes(e.segment)).map((e) => e.source))].sort();
}
