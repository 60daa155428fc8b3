/**
 * `health`: read (Kubernetes, istiod, Envoy admin, Prometheus) → judge (pure) → a HealthReport.
 * Every source may fail on its own; what could not be read is UNKNOWN with its cause and the rest
 * is still judged.
 */
import { mapLimit } from '../envoy/admin.js';
import type { KubeClient } from '../kube/types.js';
import type { RuleSpec } from './catalog.js';
import { collectCluster, errorEvidence, workloadOf } from './collect.js';
import { judgeControlPlane, judgeSidecars } from './judge-cluster.js';
import { judgePromSignals, judgeTraffic, promQueries, type PromAnswer } from './judge-prom.js';
import { segment, worst, type Check, type HealthReport, type Segment } from './model.js';
import { connectDiscovered, discoverPrometheus, discoveryNamespaces, httpProm, PromError, type PromClient } from './prometheus.js';

export interface HealthOptions {
  readonly istioNamespace: string;
  /** null: all namespaces. */
  readonly namespace: string | null;
  /** A Prometheus duration ("5m"). */
  readonly window: string;
  /** The end of a past window (--at); undefined: now. */
  readonly at?: Date;
  readonly prometheusUrl?: string;
  readonly timeoutMs: number;
  readonly adminPort: number;
  readonly rules: readonly RuleSpec[];
}

export interface HealthDeps {
  readonly connect: () => Promise<KubeClient>;
  readonly now: () => Date;
  /** A Prometheus client for a URL (tests pass a fake). */
  readonly prometheus?: (url: string, timeoutMs: number) => PromClient;
}

export async function runHealth(o: HealthOptions, deps: HealthDeps): Promise<HealthReport> {
  const historical = o.at !== undefined;
  const at = o.at ?? deps.now();
  let kube: KubeClient | undefined;
  let kubeError: string | undefined;
  const cluster = async (): Promise<KubeClient | undefined> => {
    if (kube || kubeError) return kube;
    try {
      kube = await deps.connect();
    } catch (e) {
      kubeError = errorEvidence(e);
    }
    return kube;
  };

  const cpChecks: Check[] = [];
  const scChecks: Check[] = [];
  let workloads: string[] | undefined;
  if (!historical) {
    const k = await cluster();
    if (!k) {
      cpChecks.push({ id: 'cluster', title: 'Kubernetes API', verdict: 'UNKNOWN', message: `cannot read the cluster: ${kubeError}`, evidence: [{ source: 'kubernetes', read: 'kubeconfig / API server', value: 'not read', threshold: '' }] });
      scChecks.push({ id: 'cluster', title: 'Kubernetes API', verdict: 'UNKNOWN', message: `cannot read the cluster: ${kubeError}`, evidence: [{ source: 'kubernetes', read: 'kubeconfig / API server', value: 'not read', threshold: '' }] });
    } else {
      const snap = await collectCluster(k, { istioNamespace: o.istioNamespace, namespace: o.namespace, timeoutMs: o.timeoutMs, adminPort: o.adminPort });
      const jc = { rules: o.rules, now: at, istioNamespace: o.istioNamespace, namespace: o.namespace };
      const reads = [snap.istiodPods, snap.istiodDeployments, snap.pdbs, snap.hpas, snap.webhooks, snap.meshPods];
      const first = reads[0]!;
      if (!first.ok && reads.every((r) => !r.ok)) {
        // The API server answered nothing: one cause, said once, instead of a dozen copies.
        kubeError = first.error;
        for (const list of [cpChecks, scChecks]) list.push({ id: 'cluster', title: 'Kubernetes API', verdict: 'UNKNOWN', message: `cannot read the cluster: ${first.error}`, evidence: [{ source: 'kubernetes', read: first.read, value: 'not read', threshold: '' }] });
      } else {
        cpChecks.push(...judgeControlPlane(snap, jc));
        scChecks.push(...judgeSidecars(snap, jc));
      }
      if (snap.meshPods.ok) workloads = [...new Set(snap.meshPods.value.map((p) => `${workloadOf(p)}.${p.metadata?.namespace}`))].sort();
    }
  }

  // Prometheus: the URL given, else one found in the cluster.
  let prom: PromClient | undefined;
  let promHow: 'flag' | 'discovered' | 'none' = 'none';
  let promError: string | undefined;
  if (o.prometheusUrl) {
    prom = (deps.prometheus ?? ((u, t) => httpProm(u, { timeoutMs: t })))(o.prometheusUrl, o.timeoutMs);
    promHow = 'flag';
  } else {
    const k = await cluster();
    if (!k) promError = `no --prometheus, and the cluster cannot be read to find one: ${kubeError}`;
    else {
      try {
        const d = await discoverPrometheus(k, o.istioNamespace);
        if (!d) promError = `no --prometheus, and no prometheus Service with a ready pod in ${discoveryNamespaces(o.istioNamespace).join(', ')}`;
        else {
          prom = await connectDiscovered(k, d, o.timeoutMs);
          promHow = 'discovered';
        }
      } catch (e) {
        promError = `finding Prometheus in the cluster failed: ${errorEvidence(e)}`;
      }
    }
  }

  const segments: Segment[] = [];
  let promSegments: Segment[] = [];
  try {
    if (prom) {
      // One cheap query first: a Prometheus that cannot be reached is one cause, said once.
      try {
        await prom.query('vector(1)', at);
      } catch (e) {
        promError = e instanceof PromError ? e.message : errorEvidence(e);
      }
      if (!promError) {
        const queries = promQueries(o.rules, o.window);
        const results = await mapLimit(queries, 4, async (q): Promise<[string, PromAnswer]> => {
          try {
            return [q, { ok: true, samples: await prom!.query(q, at) }];
          } catch (e) {
            return [q, { ok: false, error: e instanceof PromError ? e.message : errorEvidence(e) }];
          }
        });
        const answers = new Map(results);
        const live = new Set([...cpChecks, ...scChecks].filter((c) => c.verdict !== 'UNKNOWN').map((c) => c.id));
        const po = { rules: o.rules, window: o.window, namespace: o.namespace, istioNamespace: o.istioNamespace, liveCheckIds: live, ...(workloads ? { workloads } : {}) };
        for (const c of judgePromSignals(answers, po)) (o.rules.find((r) => r.id === c.id)?.segment === 'sidecars' ? scChecks : cpChecks).push(c);
        promSegments = judgeTraffic(answers, po);
      }
    }
  } finally {
    await prom?.close().catch(() => undefined);
  }
  if (!prom || promError) {
    const why = promError ?? 'no Prometheus';
    promSegments = [
      {
        kind: 'traffic',
        scope: o.namespace ?? 'all namespaces',
        verdict: 'UNKNOWN',
        checks: [{ id: 'traffic.series', title: 'request metrics with reporter and response_flags', verdict: 'UNKNOWN', message: `${why}: traffic edges, push/reject history${historical ? ' and everything else at --at' : ''} are not judged`, evidence: [{ source: 'prometheus', read: o.prometheusUrl ?? 'discovery', value: 'not read', threshold: '' }], next: 'istio-ts health --prometheus http://127.0.0.1:9090  (e.g. after kubectl port-forward -n monitoring svc/prometheus 9090)' }],
      },
    ];
  }
  if (!historical || cpChecks.length > 0) segments.push(segment('control-plane', o.istioNamespace, cpChecks));
  if (!historical || scChecks.length > 0) segments.push(segment('sidecars', o.namespace ?? 'all namespaces', scChecks));
  segments.push(...promSegments);
  return {
    at: at.toISOString(),
    historical,
    window: o.window,
    namespace: o.namespace,
    prometheus: { url: prom ? prom.description : null, how: promHow, ...(promError ? { error: promError } : {}) },
    verdict: worst(segments.map((s) => s.verdict)),
    segments,
  };
}
