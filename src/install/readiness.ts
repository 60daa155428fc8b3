/**
 * Readiness as a pure function of fetched status: Deployment/DaemonSet rollout (kubectl rollout
 * status rules), CRD Established, and — for whatever is not ready — the pods, containers,
 * waiting reasons and recent events that block it. The poll loop is src/install/apply/wait.ts.
 */
import type { KubeObject } from '../kube/types.js';
import { matchesLabelSelector } from '../analyzers/util/selector.js';
import { asObjects, asRecord, asStringMap } from '../util/objects.js';

export interface TargetReadiness {
  /** Kind/ns/name */
  readonly ref: string;
  readonly ready: boolean;
  /** One line: "1/2 replicas available", "Established", "not found". */
  readonly detail: string;
  /** Conditions that explain a stuck rollout (ReplicaFailure, ProgressDeadlineExceeded). */
  readonly problems: readonly string[];
}

export interface Blocker {
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  /** Kubernetes reason: ImagePullBackOff, CrashLoopBackOff, Unschedulable, NotReady… */
  readonly reason: string;
  readonly message?: string;
}

export interface EventLine {
  readonly object: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  /** Seconds since the event was last seen, when known. */
  readonly ageSeconds?: number;
}

export interface ComponentReadiness {
  readonly ready: boolean;
  readonly targets: readonly TargetReadiness[];
  readonly blockers: readonly Blocker[];
  readonly events: readonly EventLine[];
}

const num = (x: unknown, d = 0): number => (typeof x === 'number' ? x : d);

export function refOf(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`;
}

function conditions(o: KubeObject): Record<string, unknown>[] {
  return asObjects(asRecord(o.status).conditions);
}

/** kubectl's DeploymentStatusViewer, plus the conditions that say why a rollout is stuck. */
export function deploymentReadiness(d: KubeObject): TargetReadiness {
  const ref = refOf(d);
  const st = asRecord(d.status);
  const want = num(asRecord(d.spec).replicas, 1);
  const problems = conditions(d)
    .filter((c) => (c.type === 'ReplicaFailure' && c.status === 'True') || (c.type === 'Progressing' && c.status === 'False'))
    .map((c) => `${String(c.reason ?? c.type)}: ${String(c.message ?? '')}`.trim());
  const not = (detail: string): TargetReadiness => ({ ref, ready: false, detail, problems });
  if (num(st.observedGeneration) < num(d.metadata && (d.metadata as Record<string, unknown>).generation, 0)) return not('waiting for the new spec to be observed');
  const updated = num(st.updatedReplicas);
  const total = num(st.replicas);
  const available = num(st.availableReplicas);
  if (updated < want) return not(`${updated}/${want} replicas updated`);
  if (total > updated) return not(`${total - updated} old replicas pending termination`);
  if (available < updated) return not(`${available}/${want} replicas available`);
  return { ref, ready: true, detail: `${available}/${want} replicas available`, problems: [] };
}

/** kubectl's DaemonSetStatusViewer. */
export function daemonSetReadiness(ds: KubeObject): TargetReadiness {
  const ref = refOf(ds);
  const st = asRecord(ds.status);
  const desired = num(st.desiredNumberScheduled);
  const not = (detail: string): TargetReadiness => ({ ref, ready: false, detail, problems: [] });
  if (num(st.observedGeneration) < num((ds.metadata as Record<string, unknown> | undefined)?.generation, 0)) return not('waiting for the new spec to be observed');
  const updated = num(st.updatedNumberScheduled);
  const available = num(st.numberAvailable);
  if (updated < desired) return not(`${updated}/${desired} pods updated`);
  if (available < desired) return not(`${available}/${desired} pods available`);
  return { ref, ready: true, detail: `${available}/${desired} pods available`, problems: [] };
}

export function crdReadiness(crd: KubeObject): TargetReadiness {
  const ref = refOf(crd);
  const cs = conditions(crd);
  const established = cs.find((c) => c.type === 'Established');
  const names = cs.find((c) => c.type === 'NamesAccepted');
  if (established?.status === 'True') return { ref, ready: true, detail: 'Established', problems: [] };
  const problems = names?.status === 'False' ? [`NamesAccepted: ${String(names.message ?? names.reason ?? '')}`] : [];
  return { ref, ready: false, detail: 'not Established yet', problems };
}

/** Readiness of one fetched object; `undefined` (not found) is never ready. */
export function targetReadiness(ref: string, o: KubeObject | undefined): TargetReadiness {
  if (!o) return { ref, ready: false, detail: 'not found', problems: [] };
  switch (o.kind) {
    case 'Deployment':
      return deploymentReadiness(o);
    case 'DaemonSet':
      return daemonSetReadiness(o);
    case 'CustomResourceDefinition':
      return crdReadiness(o);
    default:
      return { ref, ready: true, detail: 'exists', problems: [] };
  }
}

/** Kinds whose readiness install waits for. */
export function needsWait(kind: string | undefined): boolean {
  return kind === 'Deployment' || kind === 'DaemonSet' || kind === 'CustomResourceDefinition';
}

/** The pods a workload selects (same namespace, spec.selector). */
export function podsOf(workload: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const sel = asRecord(workload.spec).selector;
  return pods.filter((p) => p.metadata?.namespace === workload.metadata?.namespace && matchesLabelSelector(sel, asStringMap(p.metadata?.labels)));
}

/**
 * Why each not-ready pod is not ready: scheduling, init containers, waiting/terminated
 * containers (with the last exit for CrashLoopBackOff), running-but-unready containers.
 * Terminating pods are skipped: they are leaving, not blocking.
 */
export function podBlockers(pods: readonly KubeObject[]): Blocker[] {
  const out: Blocker[] = [];
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    const ns = p.metadata?.namespace ?? '';
    const pod = p.metadata?.name ?? '';
    const st = asRecord(p.status);
    const cs = conditions(p);
    if (cs.find((c) => c.type === 'Ready')?.status === 'True') continue;
    const sched = cs.find((c) => c.type === 'PodScheduled');
    if (sched?.status === 'False') {
      out.push({ namespace: ns, pod, reason: String(sched.reason ?? 'Unschedulable'), ...(sched.message ? { message: String(sched.message) } : {}) });
      continue;
    }
    const before = out.length;
    const inits = asObjects(st.initContainerStatuses);
    for (const c of inits) {
      const b = containerBlocker(c, true);
      if (b) out.push({ namespace: ns, pod, container: String(c.name ?? ''), ...b });
    }
    // While an init container blocks, the main containers only say PodInitializing.
    if (out.length === before) {
      for (const c of asObjects(st.containerStatuses)) {
        const b = containerBlocker(c, false);
        if (b) out.push({ namespace: ns, pod, container: String(c.name ?? ''), ...b });
      }
    }
    if (out.length === before) {
      const phase = String(st.phase ?? 'Pending');
      const reason = String(st.reason ?? (phase === 'Running' ? 'NotReady' : phase));
      out.push({ namespace: ns, pod, reason, ...(st.message ? { message: String(st.message) } : {}) });
    }
  }
  return out;
}

function containerBlocker(c: Record<string, unknown>, init: boolean): { reason: string; message?: string } | undefined {
  const state = asRecord(c.state);
  const waiting = asRecord(state.waiting);
  const terminated = asRecord(state.terminated);
  if (state.waiting) {
    const reason = String(waiting.reason ?? 'Waiting');
    if (reason === 'PodInitializing') return undefined;
    const last = asRecord(asRecord(c.lastState).terminated);
    const lastExit = c.lastState && asRecord(c.lastState).terminated ? `last exit ${String(last.exitCode ?? '?')}${last.reason ? ` (${String(last.reason)})` : ''}` : '';
    const message = [waiting.message ? String(waiting.message) : '', lastExit].filter(Boolean).join('; ');
    return { reason, ...(message ? { message } : {}) };
  }
  if (state.terminated) {
    if (init && terminated.exitCode === 0) return undefined;
    const message = `exit ${String(terminated.exitCode ?? '?')}${terminated.message ? `: ${String(terminated.message)}` : ''}`;
    return { reason: String(terminated.reason ?? 'Terminated'), message };
  }
  if (init) return c.ready === true ? undefined : { reason: 'Running', message: 'init container has not finished' };
  if (c.ready !== true) return { reason: 'NotReady', message: c.started === false ? 'container has not started' : 'readiness probe not passing' };
  return undefined;
}

const time = (x: unknown): number | undefined => {
  if (x === undefined || x === null || x === '') return undefined;
  const t = new Date(x as string).getTime();
  return Number.isNaN(t) ? undefined : t;
};

/**
 * Recent events about the given objects or anything named after them (a Deployment's
 * ReplicaSets and pods are `<name>-<hash>…`: FailedCreate from a quota or a PodSecurity
 * admission lands on the ReplicaSet, not on the Deployment). Warnings first, newest first.
 */
export function relevantEvents(events: readonly KubeObject[], names: readonly { namespace: string; name: string }[], nowMs: number, limit = 8, sinceMs?: number): EventLine[] {
  const lines = events
    .map((e) => {
      const inv = asRecord(e.involvedObject ?? asRecord(e).regarding);
      const name = String(inv.name ?? '');
      const ns = String(inv.namespace ?? e.metadata?.namespace ?? '');
      const hit = names.some((n) => n.namespace === ns && (name === n.name || name.startsWith(`${n.name}-`)));
      if (!hit) return undefined;
      const t = time(e.lastTimestamp) ?? time(e.eventTime) ?? time(e.firstTimestamp) ?? time(e.metadata?.creationTimestamp);
      // Events outlive their pods by an hour: those last seen before this wait began are
      // about earlier attempts (deleted pods, old ReplicaSets) and would bury the current cause.
      if (sinceMs !== undefined && t !== undefined && t < sinceMs) return undefined;
      return {
        line: {
          object: `${String(inv.kind ?? '')}/${name}`,
          type: String(e.type ?? 'Normal'),
          reason: String(e.reason ?? ''),
          message: String(e.message ?? e.note ?? '').trim(),
          count: num(e.count, 1),
          ...(t !== undefined ? { ageSeconds: Math.max(0, Math.round((nowMs - t) / 1000)) } : {}),
        } satisfies EventLine,
        t: t ?? 0,
      };
    })
    .filter((x): x is { line: EventLine; t: number } => x !== undefined);
  lines.sort((a, b) => (a.line.type === b.line.type ? b.t - a.t : a.line.type === 'Warning' ? -1 : 1));
  return lines.slice(0, limit).map((x) => x.line);
}

/** A component's readiness from its fetched targets, the pods in their namespaces and events. */
export function assessComponent(input: {
  readonly targets: readonly { readonly ref: string; readonly object: KubeObject | undefined }[];
  readonly pods: readonly KubeObject[];
  readonly events: readonly KubeObject[];
  readonly nowMs: number;
  /** Ignore events last seen before this time (the start of the wait). */
  readonly sinceMs?: number;
}): ComponentReadiness {
  const targets = input.targets.map((t) => targetReadiness(t.ref, t.object));
  const notReady = input.targets.filter((_, i) => !targets[i]!.ready);
  const blockers: Blocker[] = [];
  for (const t of notReady) if (t.object && t.object.kind !== 'CustomResourceDefinition') blockers.push(...podBlockers(podsOf(t.object, input.pods)));
  const names = notReady
    .filter((t) => t.object)
    .map((t) => ({ namespace: t.object!.metadata?.namespace ?? '', name: t.object!.metadata?.name ?? '' }));
  return { ready: notReady.length === 0, targets, blockers, events: relevantEvents(input.events, names, input.nowMs, 8, input.sinceMs) };
}
