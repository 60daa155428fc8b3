/**
 * Pure: a ClusterSnapshot and the catalog → the checks of the control plane and sidecar segments
 * that need no Prometheus. A read that failed is UNKNOWN with its cause; never OK.
 */
import { certFacts } from '../envoy/secrets.js';
import { minorOf } from '../envoy/syncz.js';
import type { KubeObject } from '../kube/types.js';
import { describeThreshold, judge, ruleById, type RuleSpec } from './catalog.js';
import type { ClusterSnapshot, Read } from './collect.js';
import { daysToEol } from './eol.js';
import type { Check, Evidence, Verdict } from './model.js';

export interface JudgeContext {
  readonly rules: readonly RuleSpec[];
  readonly now: Date;
  readonly istioNamespace: string;
  readonly namespace: string | null;
}

function fillNext(r: RuleSpec, c: JudgeContext, extra: Record<string, string> = {}): string | undefined {
  if (!r.next) return undefined;
  const vars: Record<string, string> = { istioNamespace: c.istioNamespace, nsFlag: c.namespace ? `-n ${c.namespace}` : '', ...extra };
  return r.next.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`).replace(/\s+$/, '');
}

function ev(r: RuleSpec, read: string, value: string): Evidence {
  return { source: r.source, read, value, threshold: describeThreshold(r) };
}

export function unknownCheck(r: RuleSpec, read: string, why: string): Check {
  return { id: r.id, title: r.title, verdict: 'UNKNOWN', message: why, evidence: [{ source: r.source, read, value: 'not read', threshold: describeThreshold(r) }] };
}

function check(r: RuleSpec, c: JudgeContext, verdict: Verdict, message: string, evidence: Evidence[], extra?: Record<string, string>): Check {
  const next = verdict === 'OK' ? undefined : fillNext(r, c, extra);
  return { id: r.id, title: r.title, verdict, message, evidence, ...(next ? { next } : {}) };
}

function failed<T>(r: RuleSpec, read: Read<T>): Check | undefined {
  return read.ok ? undefined : unknownCheck(r, read.read, `could not read ${read.read}: ${read.error}`);
}

const name = (o: KubeObject) => `${o.metadata?.name ?? ''}`;
const podId = (p: KubeObject) => `${p.metadata?.name}.${p.metadata?.namespace}`;
function isReady(p: KubeObject): boolean {
  const conds = (p.status?.conditions as { type?: string; status?: string }[] | undefined) ?? [];
  return conds.some((x) => x.type === 'Ready' && x.status === 'True');
}
function list(items: readonly string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function judgeControlPlane(s: ClusterSnapshot, c: JudgeContext): Check[] {
  const out: Check[] = [];
  const R = (id: string) => ruleById(c.rules, id);

  // istiod pods ready
  {
    const r = R('cp.istiod-ready');
    const f = failed(r, s.istiodPods);
    if (f) out.push(f);
    else if (s.istiodPods.ok) {
      const pods = s.istiodPods.value.filter((p) => !p.metadata?.deletionTimestamp);
      const ready = pods.filter((p) => p.status?.phase === 'Running' && isReady(p));
      const notReady = pods.filter((p) => !ready.includes(p)).map(name);
      const e = [ev(r, s.istiodPods.read, `${ready.length}/${pods.length} ready`)];
      if (pods.length === 0) out.push(check(r, c, 'FAIL', `no istiod pod in ${s.istioNamespace}`, e));
      else if (ready.length === 0) out.push(check(r, c, 'FAIL', `no istiod pod is ready (${list(notReady)})`, e));
      else {
        const v = judge(r, notReady.length);
        out.push(check(r, c, v, v === 'OK' ? `${ready.length} of ${pods.length} istiod pods ready` : `${notReady.length} of ${pods.length} istiod pods not ready: ${list(notReady)}`, e));
      }
    }
  }
  // replicas
  {
    const r = R('cp.istiod-replicas');
    const f = failed(r, s.istiodDeployments);
    if (f) out.push(f);
    else if (s.istiodDeployments.ok) {
      const deps = s.istiodDeployments.value;
      if (deps.length === 0) out.push(unknownCheck(r, s.istiodDeployments.read, `no istiod Deployment in ${s.istioNamespace} (external control plane?)`));
      for (const d of deps) {
        const replicas = Number(d.spec?.replicas ?? 1);
        const v = judge(r, replicas);
        out.push(check(r, c, v, v === 'OK' ? `deployment/${name(d)}: ${replicas} replicas` : `deployment/${name(d)} runs a single replica: a restart or node drain leaves the mesh without a control plane`, [ev(r, `${s.istiodDeployments.read}: ${name(d)} spec.replicas`, String(replicas))], { deployment: name(d) }));
      }
    }
  }
  // PDBs
  {
    const r = R('cp.pdb-disruptions');
    const f = failed(r, s.pdbs);
    if (f) out.push(f);
    else if (s.pdbs.ok) {
      if (s.pdbs.value.length === 0) out.push(check(r, c, 'OK', `no PodDisruptionBudget in ${s.istioNamespace}`, [ev(r, s.pdbs.read, 'none')]));
      for (const p of s.pdbs.value) {
        const allowed = Number(p.status?.disruptionsAllowed ?? 0);
        const expected = Number(p.status?.expectedPods ?? 0);
        const min = p.spec?.minAvailable ?? p.spec?.maxUnavailable;
        const v = expected === 0 ? 'OK' : judge(r, allowed);
        const msg = v === 'OK' ? `pdb/${name(p)} allows ${allowed} disruption(s)` : `pdb/${name(p)} allows 0 disruptions (${p.spec?.minAvailable !== undefined ? `minAvailable: ${String(min)}` : `maxUnavailable: ${String(min)}`}, ${Number(p.status?.currentHealthy ?? 0)} healthy of ${expected}): it blocks every node drain`;
        out.push(check(r, c, v, msg, [ev(r, `${s.pdbs.read}: ${name(p)} status.disruptionsAllowed`, String(allowed))]));
      }
    }
  }
  // HPAs
  {
    const r = R('cp.hpa-headroom');
    const f = failed(r, s.hpas);
    if (f) out.push(f);
    else if (s.hpas.ok) {
      if (s.hpas.value.length === 0) out.push(check(r, c, 'OK', `no HorizontalPodAutoscaler in ${s.istioNamespace}`, [ev(r, s.hpas.read, 'none')]));
      for (const h of s.hpas.value) {
        const max = Number(h.spec?.maxReplicas ?? 0);
        const cur = Number(h.status?.currentReplicas ?? 0);
        const v = judge(r, max - cur);
        out.push(check(r, c, v, v === 'OK' ? `hpa/${name(h)}: ${cur} of at most ${max} replicas` : `hpa/${name(h)} is pinned at its maximum (${cur} of ${max} replicas): it cannot absorb more load`, [ev(r, `${s.hpas.read}: ${name(h)} maxReplicas - currentReplicas`, String(max - cur))]));
      }
    }
  }
  // webhooks
  {
    const r = R('cp.webhooks');
    const f = failed(r, s.webhooks);
    if (f) out.push(f);
    else if (s.webhooks.ok) {
      const configs = s.webhooks.value;
      const missing: string[] = [];
      const expired: string[] = [];
      let total = 0;
      for (const cfg of configs) {
        for (const w of ((cfg as { webhooks?: { name?: string; clientConfig?: { caBundle?: string } }[] }).webhooks ?? [])) {
          total++;
          const where = `${cfg.kind === 'ValidatingWebhookConfiguration' ? 'validating' : 'mutating'}/${name(cfg)} ${w.name ?? ''}`;
          const ca = w.clientConfig?.caBundle;
          if (!ca) {
            missing.push(where);
            continue;
          }
          const facts = certFacts(Buffer.from(ca, 'base64').toString('utf8'), c.now);
          if (facts && !facts.valid) expired.push(`${where} (caBundle ${facts.notAfter ? `expired ${facts.notAfter}` : 'not yet valid'})`);
        }
      }
      const bad = missing.length + expired.length;
      const hasInjector = configs.some((x) => x.kind !== 'ValidatingWebhookConfiguration' && /injector/.test(name(x)));
      const e = [ev(r, s.webhooks.read, `${total - bad}/${total} with a valid caBundle`)];
      if (!hasInjector) out.push(check(r, c, 'FAIL', 'no Istio sidecar-injector MutatingWebhookConfiguration: new pods get no sidecar', e));
      else {
        const v = judge(r, bad);
        out.push(check(r, c, v, v === 'OK' ? `${total} Istio webhooks carry a valid caBundle` : `${bad} Istio webhook(s) without a usable caBundle: ${list([...missing.map((m) => `${m} (empty)`), ...expired])}`, e));
      }
    }
  }
  // root certificate
  {
    const r = R('cp.root-cert-expiry');
    const f = failed(r, s.rootCert);
    if (f) out.push(f);
    else if (s.rootCert.ok) {
      const facts = s.rootCert.value ? certFacts(s.rootCert.value, c.now) : undefined;
      if (!facts || !facts.notAfter) out.push(unknownCheck(r, s.rootCert.read, 'root-cert.pem is missing or not a certificate'));
      else {
        const days = Math.floor((Date.parse(facts.notAfter) - c.now.getTime()) / 86_400_000);
        const v = judge(r, days);
        out.push(check(r, c, v, days < 0 ? `the root certificate expired on ${facts.notAfter}` : `the root certificate is valid until ${facts.notAfter} (${days} days)`, [ev(r, s.rootCert.read, `${days} days`)]));
      }
    }
  }
  // version end of life
  {
    const r = R('cp.version-eol');
    const f = failed(r, s.istiodVersions);
    if (f) out.push(f);
    else if (s.istiodVersions.ok) {
      const versions = [...new Set(s.istiodVersions.value.flatMap((v) => (v.version ? [v.version] : [])))];
      if (versions.length === 0) out.push(unknownCheck(r, s.istiodVersions.read, `no istiod answered /version: ${list(s.istiodVersions.value.map((v) => `${v.istiod}: ${v.error ?? 'no version'}`))}`));
      for (const version of versions) {
        const eol = daysToEol(version, c.now);
        if (!eol) {
          out.push(check(r, c, 'OK', `Istio ${version}: no end-of-life date known for ${minorOf(version)} (newer than istio-ts's table)`, [ev(r, s.istiodVersions.read, `${version}: not past end of life`)]));
          continue;
        }
        const v = judge(r, eol.days);
        out.push(check(r, c, v, eol.days < 0 ? `Istio ${version} is past end of life (${minorOf(version)}: ${eol.eol.approx ? '~' : ''}${eol.eol.date}): no more security fixes` : `Istio ${version} is supported until ${eol.eol.approx ? '~' : ''}${eol.eol.date}`, [ev(r, s.istiodVersions.read, `${eol.days} days`)]));
      }
    }
  }
  // data-plane skew
  {
    const r = R('cp.data-plane-skew');
    const f = failed(r, s.syncz) ?? failed(r, s.istiodVersions);
    if (f) out.push(f);
    else if (s.syncz.ok && s.istiodVersions.ok) {
      const cp = s.istiodVersions.value.flatMap((v) => (v.version ? [v.version] : [])).map(minorNum).filter((x): x is number => x !== undefined);
      const proxies = s.syncz.value.proxies.filter((p) => !c.namespace || p.namespace === c.namespace);
      if (cp.length === 0) out.push(unknownCheck(r, s.istiodVersions.read, 'the control plane version is unknown'));
      else {
        const skewed = proxies.filter((p) => {
          const m = minorNum(p.version);
          return m !== undefined && cp.every((x) => Math.abs(x - m) > 1);
        });
        const v = judge(r, skewed.length);
        out.push(check(r, c, v, v === 'OK' ? `${proxies.length} proxies within one minor of istiod` : `${skewed.length} of ${proxies.length} proxies run more than one minor away from istiod: ${list(skewed.map((p) => `${p.proxy} (${p.version})`))}`, [ev(r, s.syncz.read, `${skewed.length} skewed`)]));
      }
    }
  }
  return out;
}

function minorNum(v: string): number | undefined {
  const m = /^1\.(\d+)/.exec(v);
  return m ? Number(m[1]) : undefined;
}

export function judgeSidecars(s: ClusterSnapshot, c: JudgeContext): Check[] {
  const out: Check[] = [];
  const R = (id: string) => ruleById(c.rules, id);
  const inScope = (ns: string) => !c.namespace || ns === c.namespace;

  // connected
  {
    const r = R('sidecars.connected');
    const f = failed(r, s.meshPods) ?? failed(r, s.syncz);
    if (f) out.push(f);
    else if (s.meshPods.ok && s.syncz.ok) {
      const connected = new Set(s.syncz.value.proxies.map((p) => p.proxy));
      const pods = s.meshPods.value;
      const missing = pods.filter((p) => !connected.has(podId(p))).map(podId);
      const silent = s.syncz.value.answers.filter((a) => !a.ok);
      const e = [ev(r, `${s.meshPods.read}; ${s.syncz.read}`, `${pods.length - missing.length} of ${pods.length}`)];
      if (pods.length === 0) out.push({ ...unknownCheck(r, s.meshPods.read, `no running injected pod ${c.namespace ? `in ${c.namespace}` : 'in the cluster'}: nothing to judge`), evidence: [ev(r, s.meshPods.read, '0 running injected pods')] });
      else if (missing.length > 0 && silent.length > 0) {
        // Some istiod did not answer: its proxies may be the missing ones.
        out.push({ ...unknownCheck(r, s.syncz.read, `${missing.length} of ${pods.length} injected pods not seen, but istiod ${list(silent.map((a) => `${a.istiod} (${a.error})`))} did not answer`), evidence: e });
      } else {
        const v = judge(r, missing.length);
        out.push(check(r, c, v, v === 'OK' ? `${pods.length} of ${pods.length} injected pods have a proxy connected to istiod` : `${pods.length - missing.length} of ${pods.length} injected pods have a proxy connected to istiod; not connected: ${list(missing)}`, e));
      }
    }
  }
  // rejected / stale
  for (const [id, state] of [['sidecars.rejected', 'ERROR'], ['sidecars.stale', 'STALE']] as const) {
    const r = R(id);
    const f = failed(r, s.syncz);
    if (f) {
      out.push(f);
      continue;
    }
    if (!s.syncz.ok) continue;
    const proxies = s.syncz.value.proxies.filter((p) => inScope(p.namespace));
    const hit = proxies.filter((p) => Object.values(p.types).some((t) => t.state === state));
    const detail = hit.map((p) => {
      const types = Object.entries(p.types).filter(([, t]) => t.state === state);
      const err = types.find(([, t]) => t.error)?.[1].error;
      return `${p.proxy} ${types.map(([k]) => k).join('/')}${err ? `: ${err.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`;
    });
    const v = judge(r, hit.length);
    const what = state === 'ERROR' ? 'rejected config (NACK)' : 'have not acknowledged the last push (STALE)';
    out.push(check(r, c, v, v === 'OK' ? `none of ${proxies.length} proxies ${state === 'ERROR' ? 'rejected config' : 'is STALE'}` : `${hit.length} of ${proxies.length} proxies ${what}: ${list(detail, 3)}`, [ev(r, s.syncz.read, `${hit.length} of ${proxies.length}`)]));
  }
  // pods ready
  {
    const r = R('sidecars.pods-ready');
    const f = failed(r, s.meshPods);
    if (f) out.push(f);
    else if (s.meshPods.ok && s.meshPods.value.length > 0) {
      const notReady = s.meshPods.value.filter((p) => !isReady(p)).map(podId);
      const v = judge(r, notReady.length);
      out.push(check(r, c, v, v === 'OK' ? `${s.meshPods.value.length} injected pods ready` : `${notReady.length} of ${s.meshPods.value.length} injected pods not ready: ${list(notReady)}`, [ev(r, s.meshPods.read, `${notReady.length} not ready`)]));
    }
  }
  // workload certificates
  {
    const r = R('sidecars.cert-expiry');
    if (s.certs.length > 0) {
      const read = s.certs.filter((x) => x.notAfter);
      const errors = s.certs.filter((x) => !x.notAfter);
      const left = read.map((x) => ({ proxy: x.proxy, seconds: Math.floor((Date.parse(x.notAfter!) - c.now.getTime()) / 1000) })).sort((a, b) => a.seconds - b.seconds);
      const worstOne = left[0];
      const e = [ev(r, `${r.query} (${s.certs.length} proxies)`, worstOne ? `${worstOne.seconds}s (${worstOne.proxy})` : 'not read')];
      if (!worstOne) out.push({ ...unknownCheck(r, r.query, `no proxy answered /certs: ${list(errors.map((x) => `${x.proxy}: ${x.error}`), 2)}`), evidence: e });
      else {
        let v: Verdict = judge(r, worstOne.seconds);
        if (v === 'OK' && errors.length > 0) v = 'UNKNOWN';
        const expiring = left.filter((x) => judge(r, x.seconds) !== 'OK');
        const msg =
          v === 'UNKNOWN'
            ? `${read.length} certificates valid; ${errors.length} proxies did not answer /certs: ${list(errors.map((x) => `${x.proxy}: ${x.error}`), 2)}`
            : v === 'OK'
              ? `${read.length} workload certificates valid; the first expires in ${Math.round(worstOne.seconds / 3600)} h`
              : `${expiring.length} workload certificate(s) expired or about to: ${list(expiring.map((x) => `${x.proxy} (${x.seconds < 0 ? 'expired' : `${x.seconds}s left`})`))}`;
        out.push(check(r, c, v, msg, e, { pod: worstOne.proxy }));
      }
    }
  }
  return out;
}
