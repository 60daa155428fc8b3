/**
 * Attribution: evidence → status per segment → verdict with confidence. Pure.
 *
 * What the access logs show about requests in the window is the observation; everything else
 * (config, counters, analyzer findings, pod status) is a candidate explanation:
 *
 * - A fault of weight 3 decides by itself (a NACK istiod reports now, a missing sidecar, the app
 *   answering 500 on both sidecars) and always counts.
 * - A lighter fault counts only if it can explain what was observed: when some requests failed,
 *   only faults on a segment in a failure's causal chain (EvidenceType.causes) count; when the
 *   access logs show requests and none failed, the passing requests refute cumulative counters
 *   and Warning-level hints (EvidenceType.refutedByTraffic), but not current state. The others
 *   are shown as warnings (‼), not faults (×): a Warning-level finding on a segment the traffic
 *   passed, or a counter from the past, does not make a verdict.
 * - Without access-log lines there is no observation, and every fault counts.
 *
 * A segment is "fault" when any counted evidence on it is a fault, "ok" when it has ok evidence
 * and no counted fault, and "unknown" otherwise: no evidence is never "ok".
 *
 * The verdict names the segment of the heaviest counted fault. Between equally heavy faults on
 * different segments, the one whose segment is in the others' causal chains wins (a NACK explains
 * the missing route it causes); if none explains the rest, the one more faults point at wins, and
 * a remaining tie is said in the summary with lower confidence, not settled by path order alone.
 * Confidence: weight 3 is high; weight 2 is high when another fault corroborates it (one on the
 * same segment, or a symptom whose causal chain includes it), else medium; weight 1 is low.
 * "No fault" is high only with requests seen in the access logs and the control plane in sync;
 * any on-path segment without evidence makes it "unknown".
 */
import type { Confidence, Diagnosis, Evidence, SegmentName, SegmentResult, Verdict, VerdictSegment } from './model.js';
import { EVIDENCE, type EvidenceType } from './evidence.js';
import type { RequestPath } from './path.js';

/** Only to order faults that explain each other equally (a cycle in their causal chains). */
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

const isObservation = (e: Evidence) => e.probe === 'access-log';

/**
 * Faults that do not explain what the access logs show become warnings (see the file comment).
 * Returns the evidence in the same order.
 */
export function judge(evidence: readonly Evidence[]): Evidence[] {
  const seen = evidence.filter((e) => isObservation(e) && (e.status === 'ok' || e.status === 'fault'));
  if (seen.length === 0) return [...evidence];
  const failures = seen.filter((e) => e.status === 'fault');
  const explainable = new Set(failures.flatMap((f) => f.causes));
  return evidence.map((e) => {
    if (e.status !== 'fault' || e.weight === 3 || isObservation(e)) return e;
    // Nothing failed: only what passing requests refute (counters, hints) is demoted; a sidecar
    // that does not answer now is a fault even if requests passed an hour ago.
    if (failures.length === 0) return refutedByTraffic(e) ? { ...e, status: 'warning' as const } : e;
    return explainable.has(e.segment) ? e : { ...e, status: 'warning' as const };
  });
}

const refutedByTraffic = (e: Evidence) => (EVIDENCE as Record<string, EvidenceType>)[e.id]?.refutedByTraffic === true;

/** Whether a fault on `segment` is in f's causal chain (f is then a symptom it can explain). */
const explains = (segment: SegmentName, f: Evidence) => f.causes.includes(segment);

export function attribute(input: AttributionInput): Diagnosis {
  const judged = judge(input.evidence);
  const segments: SegmentResult[] = input.segments.map((name) => {
    const evidence = judged.filter((e) => e.segment === name);
    return { name, status: segmentStatus(evidence), evidence };
  });
  const faults = judged.filter((e) => e.status === 'fault' && input.segments.includes(e.segment));
  let verdict: Verdict;
  let top: Evidence | undefined;
  if (faults.length > 0) {
    const heaviest = Math.max(...faults.map((f) => f.weight));
    const candidates = faults.filter((f) => f.weight === heaviest);
    const picked = pick(candidates, faults);
    top = picked.top;
    const corroborated = faults.some((f) => f !== top && (f.segment === top!.segment || explains(top!.segment, f)));
    let confidence: Confidence = top.weight === 3 ? 'high' : top.weight === 2 ? (corroborated ? 'high' : 'medium') : 'low';
    let summary = top.summary;
    if (picked.rival) {
      confidence = confidence === 'high' ? 'medium' : 'low';
      summary = `${top.summary}; but equally: ${picked.rival.summary}`;
    }
    // "The app" is what is left when the proxies on the path look fine; with one of their files
    // unreadable that is not known, so the verdict cannot be the app.
    const unreadable = unreadableFiles(input.evidence, input.segments);
    if (verdictSegment(top.segment) === 'app' && unreadable.length > 0) {
      verdict = { segment: 'unknown', confidence: 'low', summary: `cannot tell: ${top.summary}, but ${unreadable.join(', ')} could not be read` };
    } else verdict = { segment: verdictSegment(top.segment), confidence, summary };
  } else {
    const onPath = segments.filter((s) => s.name !== 'client-app' && s.name !== 'control-plane');
    const unknown = onPath.filter((s) => s.status === 'unknown').map((s) => s.name);
    if (unknown.length === 0) {
      const cp = segments.find((s) => s.name === 'control-plane')?.status === 'ok';
      // Config and counters can all look right while nobody has sent a request in the window:
      // without a request seen in the access logs, "no fault" is not proven for this path.
      const traffic = judged.some((e) => isObservation(e) && e.status === 'ok');
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
    nextSteps: nextSteps(faults, top),
  };
}

/**
 * Among equally heavy faults, the one on a segment that explains all the others (is in each
 * one's causal chain); else the one most faults point at; a tie that remains is reported.
 */
function pick(candidates: readonly Evidence[], faults: readonly Evidence[]): { top: Evidence; rival?: Evidence } {
  const bySegment = [...new Set(candidates.map((c) => c.segment))];
  const first = (s: SegmentName) => candidates.find((c) => c.segment === s && !isObservation(c)) ?? candidates.find((c) => c.segment === s)!;
  if (bySegment.length === 1) return { top: first(bySegment[0]!) };
  const order = (a: SegmentName, b: SegmentName) => CAUSAL_ORDER.indexOf(a) - CAUSAL_ORDER.indexOf(b);
  const explainsAll = bySegment.filter((s) => candidates.every((c) => c.segment === s || explains(s, c))).sort(order);
  if (explainsAll.length > 0) return { top: first(explainsAll[0]!) };
  const support = (s: SegmentName) => faults.filter((f) => f.segment === s || explains(s, f)).length;
  const ranked = [...bySegment].sort((a, b) => support(b) - support(a) || order(a, b));
  const [best, next] = ranked as [SegmentName, SegmentName];
  if (support(best) > support(next)) return { top: first(best) };
  return { top: first(best), rival: first(next) };
}

/**
 * The verdict's own step first, then those of faults that corroborate it, then the rest of the
 * counted faults. Warnings add none: a step for something that did not break the traffic
 * sends a person at 3 a.m. the wrong way.
 */
function nextSteps(faults: readonly Evidence[], top: Evidence | undefined): string[] {
  const rank = (f: Evidence) => (f === top ? 0 : top && (f.segment === top.segment || explains(top.segment, f)) ? 1 : 2);
  const ordered = [...faults].sort((a, b) => rank(a) - rank(b) || b.weight - a.weight);
  const out: string[] = [];
  // A step is "cmd; cmd"; a command already given by an earlier step is not repeated, and a step
  // whose commands all were adds nothing (the NACK and the update_rejected counter of the same
  // proxy both suggest grepping its log).
  const seen = new Set<string>();
  for (const f of ordered) {
    if (!f.nextStep) continue;
    const cmds = f.nextStep.split('; ').filter((c) => !seen.has(c));
    if (cmds.length === 0) continue;
    out.push(cmds.join('; '));
    for (const c of cmds) seen.add(c);
  }
  return out.slice(0, 5);
}

function unreadableFiles(evidence: readonly Evidence[], segments: readonly SegmentName[]): string[] {
  return [...new Set(evidence.filter((e) => e.id === UNREADABLE && segments.includes(e.segment)).map((e) => e.source))].sort();
}
