/**
 * The live collector: reads from the cluster, istiod and the proxies everything diagnose reads,
 * as capture files (path → text). `istio-ts capture` writes them to a directory; live
 * `istio-ts diagnose` parses them in memory (captureFromFiles), so both see the same data.
 *
 * Through interfaces only (KubeClient, EnvoyAdmin), so it is tested against fakes. Every step that
 * fails becomes a warning and the capture goes on: a partial capture still diagnoses, with the
 * missing parts "unknown". Secret data and key material never reach the files: Secrets are not
 * collected, and private keys in config dumps are replaced with "[redacted]" (Envoy already does,
 * this does not rely on it).
 *
 * Not collected: sockets.txt (needs exec into the pod, which KubeClient does not offer yet).
 */
import { stringify } from 'yaml';
import { AdminError, mapLimit, type EnvoyAdmin } from '../envoy/admin.js';
import { monitoringPort } from '../envoy/istiod.js';
import { redactKeyMaterial } from '../envoy/redact.js';
import { parsePodRef, PodRefError, resolvePod } from '../kube/podref.js';
import { KubeError, type KubeClient, type KubeObject } from '../kube/types.js';
import type { NotCollected } from './model.js';
import { parseHostPort, parsePodName, seHostMatches } from './path.js';
import { KindError, hintOf, kindOf, type ErrorKind } from '../util/errors.js';

export interface CollectRequest {
  readonly from: string;
  readonly to: string;
  readonly via?: string;
}

export interface CollectDeps {
  readonly kube: KubeClient;
  /** The Envoy admin API of a pod (port 15000), or istiod's debug port (15014). */
  readonly admin: (pod: { name: string; namespace: string }, port: number) => EnvoyAdmin;
  readonly istioNamespace: string;
  readonly now: Date;
  readonly version: string;
  /** Lines of the istio-proxy log to keep. */
  readonly tailLines: number;
  /**
   * How long a sidecar has to answer /ready before it counts as not answering (default: no
   * limit beyond the admin client's own timeout). Kept short so a hung sidecar costs seconds.
   */
  readonly readyTimeoutMs?: number;
}

/**
 * FROM, TO or --via does not exist or cannot be read (API server unreachable, RBAC): a capture
 * without them could only say "unknown" everywhere, so the command stops with this message.
 */
export class TargetError extends KindError {
  constructor(
    message: string,
    readonly notFound: boolean,
    kind: ErrorKind = notFound ? 'notfound' : 'failed',
    hint: string | undefined = notFound
      ? 'Check the name and namespace (kubectl get pods,services -A).'
      : 'Check that the cluster is reachable and that you may read pods and services (kubectl auth can-i get pods).',
  ) {
    super(message, kind, hint);
    this.name = 'TargetError';
  }
}

const isNotFound = (e: unknown) => e instanceof PodRefError || (e instanceof KubeError && e.status === 404);

export interface Collected {
  readonly files: Map<string, string>;
  readonly warnings: string[];
}

/**
 * Istio config kinds that change what the involved proxies do, each with the API versions to try
 * in order: v1 is served since Istio 1.22; older control planes serve only v1beta1/v1alpha3.
 */
export const ISTIO_KINDS: readonly (readonly [kind: string, versions: readonly string[]])[] = [
  ['VirtualService', ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']],
  ['DestinationRule', ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']],
  ['Gateway', ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']],
  ['ServiceEntry', ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']],
  ['Sidecar', ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']],
  ['EnvoyFilter', ['networking.istio.io/v1alpha3']],
  ['PeerAuthentication', ['security.istio.io/v1', 'security.istio.io/v1beta1']],
  ['AuthorizationPolicy', ['security.istio.io/v1', 'security.istio.io/v1beta1']],
  ['RequestAuthentication', ['security.istio.io/v1', 'security.istio.io/v1beta1']],
];

/** Drops what is noise in a capture (managedFields) and any Secret payload. */
export function scrub(o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = (o.metadata ?? {}) as Record<string, unknown>;
  const out: KubeObject = { ...o, metadata: metadata as KubeObject['metadata'] };
  if (o.kind !== 'Secret' && o.kind !== 'Pod') return out;
  // `kubectl apply` keeps the whole applied object, data and env included, in this annotation.
  const annotations = { ...((metadata.annotations ?? {}) as Record<string, string>) };
  if (LAST_APPLIED in annotations) {
    annotations[LAST_APPLIED] = '[redacted]';
    out.metadata = { ...(out.metadata ?? {}), annotations } as KubeObject['metadata'];
  }
  if (o.kind === 'Secret') {
    for (const k of ['data', 'stringData'] as const) {
      const d = o[k] as Record<string, unknown> | undefined;
      if (d) out[k] = Object.fromEntries(Object.keys(d).map((key) => [key, '[redacted]']));
    }
  } else if (o.spec) {
    // Apps often carry credentials as literal env values; nothing diagnose reads depends on an
    // app's env. Istio's own containers keep theirs (ISTIO_META_*, PROXY_CONFIG are read).
    const spec = { ...o.spec } as Record<string, unknown>;
    for (const k of ['containers', 'initContainers'] as const) {
      if (Array.isArray(spec[k])) spec[k] = (spec[k] as Record<string, unknown>[]).map(redactEnv);
    }
    out.spec = spec;
  }
  return out;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ISTIO_CONTAINERS = new Set(['istio-proxy', 'istio-init', 'istio-validation']);

function redactEnv(c: Record<string, unknown>): Record<string, unknown> {
  if (ISTIO_CONTAINERS.has(String(c.name)) || !Array.isArray(c.env)) return c;
  return { ...c, env: (c.env as Record<string, unknown>[]).map((e) => ('value' in e ? { ...e, value: '[redacted]' } : e)) };
}

/** A config dump with every key and credential field redacted (see SENSITIVE). */
export function redactConfigDump(text: string): string {
  const data = JSON.parse(text) as { configs?: Record<string, unknown>[] };
  if (Array.isArray(data.configs)) {
    // Key material wherever it appears, in Envoy's shapes (envoy/redact.ts).
    data.configs = data.configs.map((c) => redactKeyMaterial(c));
  }
  return `${JSON.stringify(data, null, 1)}\n`;
}

const PROXY_CONCURRENCY = 4;

interface ProxyResult {
  readonly files: [string, string][];
  readonly warnings: string[];
  readonly notCollected: NotCollected[];
}

/** One sidecar: its admin API (config dump, clusters, stats) and its istio-proxy log. */
async function collectProxy(p: KubeObject, deps: CollectDeps): Promise<ProxyResult> {
  const name = p.metadata?.name ?? '';
  const namespace = p.metadata?.namespace ?? '';
  const proxy = `${name}.${namespace}`;
  const dir = `proxies/${namespace}/${name}`;
  const out: ProxyResult = { files: [], warnings: [], notCollected: [] };
  const proxyFiles = ['config_dump.json', 'clusters.json', 'stats.txt'].map((f) => `${dir}/${f}`);
  const phase = String(p.status?.phase ?? 'Unknown');
  if (phase === 'Running') await readAdmin(deps.admin({ name, namespace }, 15000), proxy, proxyFiles, out, deps.readyTimeoutMs);
  else {
    // Nothing to port-forward to (Pending: not started; Succeeded/Failed: exited); pod-status
    // says why. Not evidence against the sidecar as such, so "failed", not "unreachable".
    const error = `pod is ${phase}`;
    out.warnings.push(`${proxy} Envoy admin: not read, ${error}`);
    for (const file of proxyFiles) out.notCollected.push({ file, reason: 'failed', error });
    if (phase === 'Pending') return out;
  }
  try {
    out.files.push([`${dir}/istio-proxy.log`, await deps.kube.logs(namespace, name, 'istio-proxy', { tailLines: deps.tailLines })]);
  } catch (e) {
    out.warnings.push(`${proxy} istio-proxy log: ${firstLine(e)}`);
  }
  return out;
}

async function readAdmin(admin: EnvoyAdmin, proxy: string, [dumpFile, clustersFile, statsFile]: string[], out: ProxyResult, readyTimeoutMs: number | undefined): Promise<void> {
  try {
    // /ready first: it is small, so a timeout there means the sidecar does not answer (hung or
    // not running), not that the config dump of a large mesh is slow. Any HTTP status counts
    // as answering (503 while Envoy is still initializing).
    const reach = await probeAdmin(admin, readyTimeoutMs);
    if (reach.kind !== 'answered') {
      out.warnings.push(`${proxy} Envoy admin: ${reach.error}`);
      for (const file of [dumpFile!, clustersFile!, statsFile!]) out.notCollected.push({ file, reason: reach.kind, error: reach.error });
      return;
    }
    const fetch = async (file: string, adminPath: string, transform: (text: string) => string = (t) => t) => {
      const what = `/${adminPath.split('?')[0]}`;
      let text: string;
      try {
        text = await admin.get(adminPath);
      } catch (e) {
        const error = firstLine(e);
        out.warnings.push(`${proxy} ${what}: ${error}`);
        out.notCollected.push({ file, reason: 'failed', error });
        return;
      }
      try {
        out.files.push([file, transform(text)]);
      } catch (e) {
        const error = `${what} is not JSON: ${firstLine(e)}`;
        out.warnings.push(`${proxy} ${error}`);
        out.notCollected.push({ file, reason: 'failed', error });
      }
    };
    await fetch(dumpFile!, 'config_dump?include_eds', redactConfigDump);
    await fetch(clustersFile!, 'clusters?format=json');
    await fetch(statsFile!, 'stats');
  } finally {
    await admin.close().catch(() => undefined);
  }
}

type Reach = { kind: 'answered' } | { kind: NotCollected['reason']; error: string };

/**
 * Whether the sidecar's admin API answers. A port-forward the API server refuses (RBAC, pod
 * gone) says nothing about the sidecar; a connection that is refused or times out inside the pod
 * does (kubelet reports "connection refused" through the port-forward's error stream).
 */
async function probeAdmin(admin: EnvoyAdmin, timeoutMs: number | undefined): Promise<Reach> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const ready = admin.get('ready');
    if (timeoutMs === undefined) await ready;
    else {
      // The abandoned request ends when the caller closes the port-forward.
      ready.catch(() => undefined);
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // No tunnel yet: the API server has not answered the port-forward, which says nothing about Envoy.
          const tunnel = admin.tunnelUp?.() === false;
          const msg = tunnel ? `port-forward not established after ${timeoutMs / 1000}s (the API server did not answer)` : `Envoy admin GET /ready timed out after ${timeoutMs / 1000}s`;
          reject(new AdminError(`${admin.target}: ${msg}`, undefined, 'timeout', tunnel));
        }, timeoutMs);
      });
      await Promise.race([ready, late]);
    }
    return { kind: 'answered' };
  } catch (e) {
    const error = firstLine(e);
    // A refused or timed-out port-forward (RBAC, the API server) never reached the sidecar: cannot tell.
    if (e instanceof AdminError && e.tunnel) return { kind: 'failed', error };
    if (e instanceof AdminError) return /: unexpected status code: /.test(error) ? { kind: 'answered' } : { kind: 'unreachable', error };
    return { kind: 'failed', error };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first line of an error: the Kubernetes client appends the HTTP response (status, body,
 * every header) to its messages, which buries the reason in a warning or capture.json.
 */
function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!.trim();
}

const key = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

function hasSidecar(p: KubeObject): boolean {
  const spec = (p.spec ?? {}) as { containers?: { name?: string }[]; initContainers?: { name?: string; restartPolicy?: string }[] };
  return (spec.containers ?? []).some((c) => c.name === 'istio-proxy') || (spec.initContainers ?? []).some((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always');
}

function selectorString(sel: Record<string, string> | undefined): string {
  return Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * The ServiceEntry whose hosts cover HOST (exact first, then a wildcard), from a list across all
 * namespaces, or, when that is not allowed, from the given namespaces.
 */
async function findServiceEntry(kube: KubeClient, host: string, namespaces: readonly string[], attempt: <T>(what: string, fn: () => Promise<T>) => Promise<T | undefined>): Promise<KubeObject | undefined> {
  const versions = ISTIO_KINDS.find(([k]) => k === 'ServiceEntry')![1];
  const listAny = async (ns: string | undefined): Promise<KubeObject[]> => {
    let last: unknown;
    for (const v of versions) {
      try {
        return (await kube.list(v, 'ServiceEntry', ns)).map((x) => ({ ...x, apiVersion: v, kind: 'ServiceEntry' }));
      } catch (e) {
        last = e;
        if (!(e instanceof KubeError && e.status === 404)) throw e;
      }
    }
    throw last;
  };
  let entries: KubeObject[] = [];
  try {
    entries = await listAny(undefined);
  } catch {
    for (const ns of [...new Set(namespaces)]) entries.push(...((await attempt(`list ServiceEntry in ${ns}`, () => listAny(ns))) ?? []));
  }
  const hostsOf = (o: KubeObject) => ((o.spec?.hosts ?? []) as unknown[]).map(String);
  return entries.find((o) => hostsOf(o).includes(host)) ?? entries.find((o) => hostsOf(o).some((h) => seHostMatches(h, host)));
}

export async function collect(req: CollectRequest, deps: CollectDeps): Promise<Collected> {
  const { kube } = deps;
  const files = new Map<string, string>();
  const warnings: string[] = [];
  const notCollected: NotCollected[] = [];
  const objects = new Map<string, KubeObject>();
  const add = (o: KubeObject) => objects.set(key(o), scrub(o));
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof TargetError) throw e;
      warnings.push(`${what}: ${firstLine(e)}`);
      return undefined;
    }
  };

  // FROM, TO and --via must be read: not found, or not readable at all (API server down, RBAC),
  // stops the collection.
  const required = async <T>(msg: { notFound: string; unreadable: string }, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (isNotFound(e)) throw new TargetError(`${msg.notFound}${e instanceof PodRefError ? ` (${e.message})` : ''}`, true);
      // Forbidden, unauthorized, timed out, unreachable: the cause's kind and hint, not a guess.
      const kind = kindOf(e);
      throw new TargetError(`${msg.unreadable}: ${firstLine(e)}`, false, kind === 'internal' ? 'failed' : kind, hintOf(e));
    }
  };

  // List items come back without apiVersion and kind (the API server puts them on the list only).
  const list = async (apiVersion: string, kind: string, ns: string, opts?: { labelSelector: string }) =>
    (await kube.list(apiVersion, kind, ns, opts)).map((x) => ({ ...x, apiVersion, kind }));

  const pods: KubeObject[] = [];
  let fromPod: string | undefined;
  const addPod = (p: KubeObject) => {
    if (!pods.some((x) => key(x) === key(p))) pods.push(p);
    add(p);
  };
  // FROM: a pod reference (pod, deploy/NAME…), or "ingress" for the default ingress gateway.
  if (req.from === 'ingress' && !req.via) {
    const where = `(label istio=ingressgateway) in namespace ${deps.istioNamespace}`;
    const gws = await required({ notFound: '', unreadable: `FROM: cannot list the ingress gateway pods ${where}` }, () => list('v1', 'Pod', deps.istioNamespace, { labelSelector: 'istio=ingressgateway' }));
    // Terminating gateway pods (a rollout, an uninstall) take no new connections.
    const serving = gws.filter((g) => !g.metadata?.deletionTimestamp);
    if (serving.length === 0) throw new TargetError(`FROM: no ingress gateway pods ${where}; name the gateway with --via NAME.NAMESPACE`, true);
    for (const g of serving) addPod(g);
  } else if (req.from !== 'ingress') {
    const ref = parsePodRef(req.from, kube.defaultNamespace);
    const what = `${ref.kind === 'Pod' ? 'pod' : ref.kind} ${ref.name}`;
    const p = await required({ notFound: `FROM: ${what} not found in namespace ${ref.namespace}`, unreadable: `FROM: cannot read ${what} in namespace ${ref.namespace}` }, async () => {
      const r = await resolvePod(kube, ref);
      return kube.get('v1', 'Pod', r.namespace, r.name);
    });
    addPod(p);
    // capture.json names the pod that was read, not the reference: "deploy/frontend.shop" or
    // a bare name in the kubeconfig's namespace cannot be resolved again offline.
    fromPod = `${p.metadata?.name ?? ref.name}.${p.metadata?.namespace ?? ref.namespace}`;
  }
  const clientNs = pods[0]?.metadata?.namespace ?? kube.defaultNamespace;

  if (req.via) {
    const r = parsePodName(req.via, deps.istioNamespace);
    const pod = await required({ notFound: `--via: no gateway pod or Service ${r.name} in namespace ${r.namespace}`, unreadable: `--via: cannot read gateway ${r.name} in namespace ${r.namespace}` }, async () => {
      try {
        return [await kube.get('v1', 'Pod', r.namespace, r.name)];
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const svc = await kube.get('v1', 'Service', r.namespace, r.name);
        add(svc);
        return list('v1', 'Pod', r.namespace, { labelSelector: selectorString(svc.spec?.selector as Record<string, string>) });
      }
    });
    for (const g of pod) addPod(g);
  }

  // TO: a Service host[:port] (its selected pods are the servers), a pod, or a ServiceEntry host.
  const { host } = parseHostPort(req.to);
  let seNamespace: string | undefined;
  const podTarget = host.startsWith('pod/');
  const labels = host.replace(/^pod\//, '').split('.');
  const svcNs = labels.length > 1 && labels[1] !== 'svc' ? labels[1]! : clientNs;
  const svc = podTarget
    ? undefined
    : await required({ notFound: '', unreadable: `TO: cannot read Service ${labels[0]} in namespace ${svcNs}` }, async () => {
        try {
          return await kube.get('v1', 'Service', svcNs, labels[0]!);
        } catch (e) {
          if (isNotFound(e)) return undefined;
          throw e;
        }
      });
  if (svc) {
    add(svc);
    const selector = selectorString(svc.spec?.selector as Record<string, string>);
    const servers = selector ? await attempt(`list pods of Service ${svcNs}/${labels[0]}`, () => list('v1', 'Pod', svcNs, { labelSelector: selector })) : [];
    for (const p of servers ?? []) addPod(p);
  } else {
    const r = parsePodName(host, clientNs);
    const unreadable = `TO: cannot read pod ${r.name} in namespace ${r.namespace}`;
    if (podTarget) addPod(await required({ notFound: `TO: pod ${r.name} not found in namespace ${r.namespace}`, unreadable }, () => kube.get('v1', 'Pod', r.namespace, r.name)));
    else {
      const pod = await required({ notFound: '', unreadable }, async () => {
        try {
          return await kube.get('v1', 'Pod', r.namespace, r.name);
        } catch (e) {
          if (isNotFound(e)) return undefined;
          throw e;
        }
      });
      if (pod) addPod(pod);
      else {
        // A ServiceEntry host (api.example.com, or a mesh-internal host of pods it selects).
        const se = await findServiceEntry(kube, host.replace(/^pod\//, ''), [clientNs, deps.istioNamespace], attempt);
        if (!se) throw new TargetError(`TO: no Service ${labels[0]} and no pod ${r.name} in namespace ${r.namespace}, and no ServiceEntry with host ${host}`, true);
        add(se);
        seNamespace = se.metadata?.namespace;
        const selector = selectorString(((se.spec?.workloadSelector ?? {}) as Record<string, unknown>).labels as Record<string, string> | undefined);
        const servers = selector && seNamespace ? await attempt(`list pods of ServiceEntry ${seNamespace}/${se.metadata?.name ?? ''}`, () => list('v1', 'Pod', seNamespace!, { labelSelector: selector })) : [];
        for (const p of servers ?? []) addPod(p);
      }
    }
  }

  const namespaces = [...new Set([...pods.map((p) => p.metadata?.namespace ?? ''), seNamespace ?? svcNs, deps.istioNamespace].filter(Boolean))].sort();
  for (const ns of namespaces) {
    const o = await attempt(`get Namespace ${ns}`, () => kube.get('v1', 'Namespace', undefined, ns));
    if (o) add(o);
  }
  // Per kind: the first served version (found on the first namespace), then every namespace.
  // Kinds are listed in parallel; warnings keep the table's order.
  const perKind = await mapLimit(ISTIO_KINDS, 4, async ([kind, versions]) => {
    const found: KubeObject[] = [];
    const problems: string[] = [];
    let served = [...versions];
    for (const ns of namespaces) {
      let done = false;
      while (!done && served.length > 0) {
        try {
          found.push(...(await list(served[0]!, kind, ns)));
          served = [served[0]!];
          done = true;
        } catch (e) {
          if (e instanceof KubeError && e.status === 404) served.shift();
          else {
            problems.push(`list ${kind} in ${ns}: ${firstLine(e)}`);
            done = true;
          }
        }
      }
      if (served.length === 0) {
        problems.push(`${kind}: the API server serves none of ${versions.join(', ')} (Istio CRDs not installed?)`);
        break;
      }
    }
    return { found, problems };
  });
  for (const r of perKind) {
    for (const x of r.found) add(x);
    warnings.push(...r.problems);
  }

  const groups: Record<string, KubeObject[]> = { 'namespaces.yaml': [], 'pods.yaml': [], 'services.yaml': [], 'istio.yaml': [] };
  for (const o of [...objects.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1))) {
    const file = o.kind === 'Namespace' ? 'namespaces.yaml' : o.kind === 'Pod' ? 'pods.yaml' : o.kind === 'Service' ? 'services.yaml' : 'istio.yaml';
    groups[file]!.push(o);
  }
  for (const [file, docs] of Object.entries(groups)) if (docs.length) files.set(`cluster/${file}`, docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));

  // istiod's view of every proxy (/debug/syncz on the monitoring port: prometheus.io/port, else
  // 15014, as istioctl finds it). Each replica only knows
  // the proxies connected to it, so every running replica is asked and the lists are merged.
  const istiods = await attempt('list istiod pods', () => list('v1', 'Pod', deps.istioNamespace, { labelSelector: 'app=istiod' }));
  const running = (istiods ?? []).filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  const synced: unknown[] = [];
  let answered = 0;
  for (const istiod of running) {
    const name = istiod.metadata?.name ?? '';
    const admin = deps.admin({ name, namespace: deps.istioNamespace }, monitoringPort(istiod));
    const text = await attempt(`istiod ${name} /debug/syncz`, () => admin.get('debug/syncz'));
    await admin.close().catch(() => undefined);
    if (text === undefined) continue;
    const parsed = await attempt(`istiod ${name} /debug/syncz is not a JSON list`, async () => JSON.parse(text) as unknown);
    if (Array.isArray(parsed)) {
      synced.push(...parsed);
      answered++;
    }
  }
  if (answered > 0) files.set('istiod/syncz.json', `${JSON.stringify(synced, null, 1)}\n`);
  else if (running.length === 0) warnings.push(`no running istiod pod in ${deps.istioNamespace}: sync state not captured`);

  // Proxies are read a few at a time (each is a port-forward plus four requests, one of them a
  // config dump that can be megabytes); results are merged in path order, so warnings and
  // notCollected read client first whatever finished first.
  const perProxy = await mapLimit(pods.filter(hasSidecar), PROXY_CONCURRENCY, (p) => collectProxy(p, deps));
  for (const r of perProxy) {
    for (const [file, text] of r.files) files.set(file, text);
    warnings.push(...r.warnings);
    notCollected.push(...r.notCollected);
  }

  const meta = {
    from: fromPod ?? req.from,
    ...(fromPod && fromPod !== req.from ? { fromRef: req.from } : {}),
    to: req.to,
    ...(req.via ? { via: req.via } : {}),
    time: deps.now.toISOString(),
    istioTsVersion: deps.version,
    ...(notCollected.length ? { notCollected } : {}),
  };
  files.set('capture.json', `${JSON.stringify(meta, null, 2)}\n`);
  return { files, warnings };
}
