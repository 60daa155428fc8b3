/**
 * The poll loop around the pure readiness assessment: fetch the targets, the pods they select
 * and (when reporting a timeout) the events of their namespaces, until ready or out of time.
 * Clock and sleep are injected so tests run instantly.
 */
import type { KubeObject, KubeWriteClient } from '../../kube/types.js';
import { asRecord, asStringMap } from '../../util/objects.js';
import { assessComponent, needsWait, refOf, type ComponentReadiness } from '../readiness.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock: Clock;
  /** When the component's apply began (events before it are about earlier attempts); default: the wait's start. */
  readonly since?: number;
  /** Called after every poll that is not yet ready. */
  readonly onPoll?: (r: ComponentReadiness, elapsedMs: number) => void;
}

export interface WaitResult {
  readonly readiness: ComponentReadiness;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

type Target = { apiVersion?: string; kind?: string; metadata?: { namespace?: string; name?: string } };

export async function waitForReady(kube: KubeWriteClient, objects: readonly Target[], o: WaitOptions): Promise<WaitResult> {
  const targets = objects.filter((t) => needsWait(t.kind));
  const start = o.clock.now();
  for (;;) {
    const fetched = await Promise.all(
      targets.map(async (t) => ({ ref: refOf(t as KubeObject), object: await kube.read(t.apiVersion ?? '', t.kind ?? '', t.metadata?.namespace, t.metadata?.name ?? '') })),
    );
    const pods = await podsFor(kube, fetched.map((f) => f.object).filter((x): x is KubeObject => x !== undefined && x.kind !== 'CustomResourceDefinition'));
    let r = assessComponent({ targets: fetched, pods, events: [], nowMs: o.clock.now() });
    const elapsedMs = o.clock.now() - start;
    if (r.ready) return { readiness: r, timedOut: false, elapsedMs };
    if (elapsedMs >= o.timeoutMs) {
      // Events only for the final report: they are the root cause users could not see
      // behind "resources not ready after 5m0s" (quota, PodSecurity, image pulls, scheduling).
      const namespaces = [...new Set(fetched.map((f) => f.object?.metadata?.namespace).filter((n): n is string => !!n))];
      const events = (await Promise.all(namespaces.map((ns) => kube.list('v1', 'Event', ns).catch(() => [] as KubeObject[])))).flat();
      // Event timestamps have second precision and come from other clocks: allow some slack.
      r = assessComponent({ targets: fetched, pods, events, nowMs: o.clock.now(), sinceMs: (o.since ?? start) - 10_000 });
      return { readiness: r, timedOut: true, elapsedMs };
    }
    o.onPoll?.(r, elapsedMs);
    await o.clock.sleep(Math.min(o.intervalMs, Math.max(0, o.timeoutMs - elapsedMs)));
  }
}

/** Pods of the given workloads: one list per workload by its matchLabels (filtered again by the pure code). */
async function podsFor(kube: KubeWriteClient, workloads: readonly KubeObject[]): Promise<KubeObject[]> {
  const lists = await Promise.all(
    workloads.map((w) => {
      const ml = asStringMap(asRecord(asRecord(w.spec).selector).matchLabels);
      const labelSelector = Object.entries(ml)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return kube.list('v1', 'Pod', w.metadata?.namespace, labelSelector ? { labelSelector } : {});
    }),
  );
  const seen = new Set<string>();
  return lists.flat().filter((p) => {
    const k = `${p.metadata?.namespace}/${p.metadata?.name}`;
    return !seen.has(k) && seen.add(k);
  });
}
