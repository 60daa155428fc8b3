/**
 * Opens the admin sources a command works on: a saved file (-f), one pod reference, or every pod
 * of a label selector (-l). Usage is validated before any cluster call; the Kubernetes client is
 * only imported when a pod is involved.
 */
import { readFileSync } from 'node:fs';
import type { KubeClient, KubeObject } from '../kube/types.js';
import { parsePodRef, resolvePod, resolveSelector } from '../kube/podref.js';
import { FileAdmin, PortForwardAdmin, type EnvoyAdmin } from './admin.js';
import { KindError, kindOf } from '../util/errors.js';

export interface SourceOptions {
  /** One saved response, or several (proxy-stats --summary takes /stats and /clusters). */
  file?: string | string[];
  pod?: string;
  selector?: string;
  /** -n, if given. */
  namespace?: string;
  adminPort: number;
  timeoutMs: number;
  /** Reads "-" (stdin). */
  readStdin: () => Promise<string>;
  /** Builds the cluster client; called only when a pod is involved. */
  kube: () => Promise<KubeClient>;
}

export class SourceError extends KindError {
  constructor(message: string, kind: 'usage' | 'noinput' | 'error', hint?: string) {
    super(message, kind === 'error' ? 'failed' : kind, hint);
    this.name = 'SourceError';
  }
}

/** Checks the combination of pod, -f and -l without touching files or the cluster. */
export function validateSource(cmdName: string, o: Pick<SourceOptions, 'file' | 'pod' | 'selector'>, allowSelector = false): void {
  const hasFile = Array.isArray(o.file) ? o.file.length > 0 : Boolean(o.file);
  const n = Number(hasFile) + Number(Boolean(o.pod)) + Number(Boolean(o.selector));
  if (n === 0) {
    throw new SourceError(`${cmdName} requires pod name or --file parameter`, 'usage', allowSelector ? 'Pass POD[.NAMESPACE], deploy/NAME, -l SELECTOR or -f FILE.' : 'Pass POD[.NAMESPACE], deploy/NAME or -f FILE.');
  }
  if (n > 1) throw new SourceError(`${cmdName}: give only one of a pod, --file${allowSelector ? ' or --selector' : ''}`, 'usage');
  if (o.selector && !allowSelector) throw new SourceError(`${cmdName} does not take --selector`, 'usage');
}

export async function openSources(o: SourceOptions): Promise<EnvoyAdmin[]> {
  const files = typeof o.file === 'string' ? [o.file] : (o.file ?? []);
  if (files.length > 0) {
    const out: EnvoyAdmin[] = [];
    for (const f of files) {
      let text: string;
      try {
        // Read as one Buffer and decode once: readFile(f, 'utf8') decodes chunk by chunk into a
        // rope string that costs a second copy of a 50 MB dump when it is flattened. Synchronously:
        // nothing else runs meanwhile, and node:fs/promises is not loaded for it (~1.5 ms).
        text = f === '-' ? await o.readStdin() : readFileSync(f).toString('utf8');
      } catch (e) {
        throw new SourceError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'noinput');
      }
      out.push(new FileAdmin(f === '-' ? '<stdin>' : f, text));
    }
    return out;
  }
  // A malformed reference is a usage error: report it before loading the Kubernetes client.
  if (o.pod) parsePodRef(o.pod, o.namespace ?? 'default');
  const kube = await o.kube();
  const ns = o.namespace ?? kube.defaultNamespace;
  const pf = { port: o.adminPort, timeoutMs: o.timeoutMs };
  if (o.selector) {
    const pods = await resolveSelector(kube, ns, o.selector);
    if (pods.length === 0) throw new SourceError(`no running pods match selector "${o.selector}" in namespace ${ns}`, 'error');
    return pods.map((p) => new PortForwardAdmin(kube, p, pf));
  }
  const ref = parsePodRef(o.pod!, ns);
  const pod = await resolvePod(kube, ref);
  await requireSidecar(kube, pod);
  return [new PortForwardAdmin(kube, pod, pf)];
}

/**
 * Says at once that the pod does not exist or runs no Envoy, instead of a port-forward error about
 * port 15000. A pod we may not read is left to the port-forward to judge.
 */
async function requireSidecar(kube: KubeClient, pod: { name: string; namespace: string }): Promise<void> {
  let obj: KubeObject;
  try {
    obj = await kube.get('v1', 'Pod', pod.namespace, pod.name);
  } catch (e) {
    if (kindOf(e) === 'notfound') throw new KindError(`pod ${pod.name} not found in namespace ${pod.namespace}`, 'notfound', `List the pods: kubectl get pods -n ${pod.namespace}`);
    if (kindOf(e) === 'forbidden') return;
    throw e;
  }
  const spec = (obj.spec ?? {}) as { containers?: { name?: string; args?: string[] }[]; initContainers?: { name?: string; restartPolicy?: string }[] };
  const sidecar = (spec.containers ?? []).some((c) => c.name === 'istio-proxy') || (spec.initContainers ?? []).some((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always');
  if (!sidecar) {
    throw new KindError(`pod ${pod.name}.${pod.namespace} has no istio-proxy container: it is not in the mesh (no sidecar, no gateway proxy)`, 'failed', `Check injection: istio-ts check-inject ${pod.name}.${pod.namespace}`);
  }
}
