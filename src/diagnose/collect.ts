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

/**
 * Collects the capture of FROM → TO (--via): the pods on the path, the objects that configure
 * them, istiod's sync state and each proxy's admin endpoints, in that order.
 */
export async function collect(req: CollectRequest, deps: CollectDeps): Promise<Collected> {
  const s = newSession(deps);
  const fromPod = await collectFrom(req, s);
  const clientNs = s.pods[0]?.metadata?.namespace ?? deps.kube.defaultNamespace;
  if (req.via) await collectVia(req.via, s);
  const toNamespace = await collectTo(req.to, clientNs, s);
  const namespaces = [...new Set([...s.pods.map((p) => p.metadata?.namespace ?? ''), toNamespace, deps.istioNamespace].filter(Boolean))].sort();
  await collectNamespaces(namespaces, s);
  await collectIstioConfig(namespaces, s);

  const files = clusterFiles(s.objects);
  const syncz = await collectSyncz(s);
  if (syncz !== undefined) files.set('istiod/syncz.json', syncz);
  const notCollected = await collectProxies(s, files);
  files.set('capture.json', captureMeta(req, fromPod, deps, notCollected));
  return { files, warnings: s.warnings };
}

/** What the steps of one collection share: the objects and pods found so far, warnings, and how to read. */
interface Session {
  readonly deps: CollectDeps;
  readonly kube: KubeClient;
  readonly warnings: string[];
  readonly objects: Map<string, KubeObject>;
  /** The pods on the path (client, gateway, servers), in path order. */
  readonly pods: KubeObject[];
  add(o: KubeObject): void;
  addPod(p: KubeObject): void;
  /** Runs a step that may fail: its error becomes a warning and the capture goes on. */
  attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined>;
  /**
   * Reads FROM, TO or --via, which must be read: not found, or not readable at all (API server
   * down, RBAC), stops the collection.
   */
  required<T>(msg: { notFound: string; unreadable: string }, fn: () => Promise<T>): Promise<T>;
  /** Lists objects; items come back without apiVersion and kind (the API server puts them on the list only). */
  list(apiVersion: string, kind: string, ns: string, opts?: { labelSelector: string }): Promise<KubeObject[]>;
}

function newSession(deps: CollectDeps): Session {
  const { kube } = deps;
  const warnings: string[] = [];
  const objects = new Map<string, KubeObject>();
  const pods: KubeObject[] = [];
  const add = (o: KubeObject) => objects.set(key(o), scrub(o));
  return {
    deps,
    kube,
    warnings,
    objects,
    pods,
    add,
    addPod(p) {
      if (!pods.some((x) => key(x) === key(p))) pods.push(p);
      add(p);
    },
    async attempt(what, fn) {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof TargetError) throw e;
        warnings.push(`${what}: ${firstLine(e)}`);
        return undefined;
      }
    },
    async required(msg, fn) {
      try {
        return await fn();
      } catch (e) {
        if (isNotFound(e)) throw new TargetError(`${msg.notFound}${e instanceof PodRefError ? ` (${e.message})` : ''}`, true);
        // Forbidden, unauthorized, timed out, unreachable: the cause's kind and hint, not a guess.
        const kind = kindOf(e);
        throw new TargetError(`${msg.unreadable}: ${firstLine(e)}`, false, kind === 'internal' ? 'failed' : kind, hintOf(e));
      }
    },
    list: async (apiVersion, kind, ns, opts) => (await kube.list(apiVersion, kind, ns, opts)).map((x) => ({ ...x, apiVersion, kind })),
  };
}

/**
 * FROM: a pod reference (pod, deploy/NAME…), or "ingress" for the default ingress gateway.
 * Returns the pod read as NAME.NAMESPACE (undefined for "ingress").
 */
async function collectFrom(req: CollectRequest, s: Session): Promise<string | undefined> {
  const { kube, deps } = s;
  if (req.from === 'ingress') {
    if (req.via) return undefined;
    const where = `(label istio=ingressgateway) in namespace ${deps.istioNamespace}`;
    const gws = await s.required({ notFound: '', unreadable: `FROM: cannot list the ingress gateway pods ${where}` }, () => s.list('v1', 'Pod', deps.istioNamespace, { labelSelector: 'istio=ingressgateway' }));
    // Terminating gateway pods (a rollout, an uninstall) take no new connections.
    const serving = gws.filter((g) => !g.metadata?.deletionTimestamp);
    if (serving.length === 0) throw new TargetError(`FROM: no ingress gateway pods ${where}; name the gateway with --via NAME.NAMESPACE`, true);
    for (const g of serving) s.addPod(g);
    return undefined;
  }
  const ref = parsePodRef(req.from, kube.defaultNamespace);
  const what = `${ref.kind === 'Pod' ? 'pod' : ref.kind} ${ref.name}`;
  const p = await s.required({ notFound: `FROM: ${what} not found in namespace ${ref.namespace}`, unreadable: `FROM: cannot read ${what} in namespace ${ref.namespace}` }, async () => {
    const r = await resolvePod(kube, ref);
    return kube.get('v1', 'Pod', r.namespace, r.name);
  });
  s.addPod(p);
  // capture.json names the pod that was read, not the reference: "deploy/frontend.shop" or
  // a bare name in the kubeconfig's namespace cannot be resolved again offline.
  return `${p.metadata?.name ?? ref.name}.${p.metadata?.namespace ?? ref.namespace}`;
}

/** --via: a gateway pod, or a Service whose selected pods are the gateway. */
async function collectVia(via: string, s: Session): Promise<void> {
  const { kube } = s;
  const r = parsePodName(via, s.deps.istioNamespace);
  const pod = await s.required({ notFound: `--via: no gateway pod or Service ${r.name} in namespace ${r.namespace}`, unreadable: `--via: cannot read gateway ${r.name} in namespace ${r.namespace}` }, async () => {
    try {
      return [await kube.get('v1', 'Pod', r.namespace, r.name)];
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const svc = await kube.get('v1', 'Service', r.namespace, r.name);
      s.add(svc);
      return s.list('v1', 'Pod', r.namespace, { labelSelector: selectorString(svc.spec?.selector as Record<string, string>) });
    }
  });
  for (const g of pod) s.addPod(g);
}

/** A get that answers undefined for "not found" (and fails for anything else). */
async function getOrNone(kube: KubeClient, kind: string, ns: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await kube.get('v1', kind, ns, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * TO: a Service host[:port] (its selected pods are the servers), a pod, or a ServiceEntry host.
 * Returns the namespace of the destination's config (the Service's, or the ServiceEntry's).
 */
async function collectTo(to: string, clientNs: string, s: Session): Promise<string> {
  const { kube } = s;
  const { host } = parseHostPort(to);
  const podTarget = host.startsWith('pod/');
  const labels = host.replace(/^pod\//, '').split('.');
  const svcNs = labels.length > 1 && labels[1] !== 'svc' ? labels[1]! : clientNs;
  const svc = podTarget
    ? undefined
    : await s.required({ notFound: '', unreadable: `TO: cannot read Service ${labels[0]} in namespace ${svcNs}` }, () => getOrNone(kube, 'Service', svcNs, labels[0]!));
  if (svc) {
    s.add(svc);
    const selector = selectorString(svc.spec?.selector as Record<string, string>);
    const servers = selector ? await s.attempt(`list pods of Service ${svcNs}/${labels[0]}`, () => s.list('v1', 'Pod', svcNs, { labelSelector: selector })) : [];
    for (const p of servers ?? []) s.addPod(p);
    return svcNs;
  }
  const r = parsePodName(host, clientNs);
  const unreadable = `TO: cannot read pod ${r.name} in namespace ${r.namespace}`;
  if (podTarget) {
    s.addPod(await s.required({ notFound: `TO: pod ${r.name} not found in namespace ${r.namespace}`, unreadable }, () => kube.get('v1', 'Pod', r.namespace, r.name)));
    return svcNs;
  }
  const pod = await s.required({ notFound: '', unreadable }, () => getOrNone(kube, 'Pod', r.namespace, r.name));
  if (pod) {
    s.addPod(pod);
    return svcNs;
  }
  // A ServiceEntry host (api.example.com, or a mesh-internal host of pods it selects).
  const se = await findServiceEntry(kube, host.replace(/^pod\//, ''), [clientNs, s.deps.istioNamespace], s.attempt);
  if (!se) throw new TargetError(`TO: no Service ${labels[0]} and no pod ${r.name} in namespace ${r.namespace}, and no ServiceEntry with host ${host}`, true);
  s.add(se);
  const seNamespace = se.metadata?.namespace;
  const selector = selectorString(((se.spec?.workloadSelector ?? {}) as Record<string, unknown>).labels as Record<string, string> | undefined);
  const servers = selector && seNamespace ? await s.attempt(`list pods of ServiceEntry ${seNamespace}/${se.metadata?.name ?? ''}`, () => s.list('v1', 'Pod', seNamespace, { labelSelector: selector })) : [];
  for (const p of servers ?? []) s.addPod(p);
  return seNamespace ?? svcNs;
}

async function collectNamespaces(namespaces: readonly string[], s: Session): Promise<void> {
  for (const ns of namespaces) {
    const o = await s.attempt(`get Namespace ${ns}`, () => s.kube.get('v1', 'Namespace', undefined, ns));
    if (o) s.add(o);
  }
}

/**
 * The Istio config of the involved namespaces. Per kind: the first served version (found on the
 * first namespace), then every namespace. Kinds are listed in parallel; warnings keep the table's order.
 */
async function collectIstioConfig(namespaces: readonly string[], s: Session): Promise<void> {
  const perKind = await mapLimit(ISTIO_KINDS, 4, async ([kind, versions]) => {
    const found: KubeObject[] = [];
    const problems: string[] = [];
    let served = [...versions];
    for (const ns of namespaces) {
      let done = false;
      while (!done && served.length > 0) {
        try {
          found.push(...(await s.list(served[0]!, kind, ns)));
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
    for (const x of r.found) s.add(x);
    s.warnings.push(...r.problems);
  }
}

/** cluster/{namespaces,pods,services,istio}.yaml: the objects read, sorted, one file per group. */
function clusterFiles(objects: ReadonlyMap<string, KubeObject>): Map<string, string> {
  const files = new Map<string, string>();
  const groups: Record<string, KubeObject[]> = { 'namespaces.yaml': [], 'pods.yaml': [], 'services.yaml': [], 'istio.yaml': [] };
  for (const o of [...objects.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1))) {
    const file = o.kind === 'Namespace' ? 'namespaces.yaml' : o.kind === 'Pod' ? 'pods.yaml' : o.kind === 'Service' ? 'services.yaml' : 'istio.yaml';
    groups[file]!.push(o);
  }
  for (const [file, docs] of Object.entries(groups)) if (docs.length) files.set(`cluster/${file}`, docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
  return files;
}

/**
 * istiod's view of every proxy (/debug/syncz on the monitoring port: prometheus.io/port, else
 * 15014, as istioctl finds it). Each replica only knows the proxies connected to it, so every
 * running replica is asked and the lists are merged. Undefined when no replica answered.
 */
async function collectSyncz(s: Session): Promise<string | undefined> {
  const { deps } = s;
  const istiods = await s.attempt('list istiod pods', () => s.list('v1', 'Pod', deps.istioNamespace, { labelSelector: 'app=istiod' }));
  const running = (istiods ?? []).filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  const synced: unknown[] = [];
  let answered = 0;
  for (const istiod of running) {
    const name = istiod.metadata?.name ?? '';
    const admin = deps.admin({ name, namespace: deps.istioNamespace }, monitoringPort(istiod));
    const text = await s.attempt(`istiod ${name} /debug/syncz`, () => admin.get('debug/syncz'));
    await admin.close().catch(() => undefined);
    if (text === undefined) continue;
    const parsed = await s.attempt(`istiod ${name} /debug/syncz is not a JSON list`, async () => JSON.parse(text) as unknown);
    if (Array.isArray(parsed)) {
      synced.push(...parsed);
      answered++;
    }
  }
  if (answered > 0) return `${JSON.stringify(synced, null, 1)}\n`;
  if (running.length === 0) s.warnings.push(`no running istiod pod in ${deps.istioNamespace}: sync state not captured`);
  return undefined;
}

/**
 * Proxies are read a few at a time (each is a port-forward plus four requests, one of them a
 * config dump that can be megabytes); results are merged in path order, so warnings and
 * notCollected read client first whatever finished first.
 */
async function collectProxies(s: Session, files: Map<string, string>): Promise<NotCollected[]> {
  const notCollected: NotCollected[] = [];
  const perProxy = await mapLimit(s.pods.filter(hasSidecar), PROXY_CONCURRENCY, (p) => collectProxy(p, s.deps));
  for (const r of perProxy) {
    for (const [file, text] of r.files) files.set(file, text);
    s.warnings.push(...r.warnings);
    notCollected.push(...r.notCollected);
  }
  return notCollected;
}

/** capture.json: what was asked, which pod FROM resolved to, when, by which version, and what is missing. */
function captureMeta(req: CollectRequest, fromPod: string | undefined, deps: CollectDeps, notCollected: readonly NotCollected[]): string {
  const meta = {
    from: fromPod ?? req.from,
    ...(fromPod && fromPod !== req.from ? { fromRef: req.from } : {}),
    to: req.to,
    ...(req.via ? { via: req.via } : {}),
    time: deps.now.toISOString(),
    istioTsVersion: deps.version,
    ...(notCollected.length ? { notCollected } : {}),
  };
  return `${JSON.stringify(meta, null, 2)}\n`;
}
