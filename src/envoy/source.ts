/**
 * Opens the admin sources a command works on: a saved file (-f), one pod reference, or every pod
 * of a label selector (-l). Usage is validated before any cluster call; the Kubernetes client is
 * only imported when a pod is involved.
 */
import { readFile } from 'node:fs/promises';
import type { KubeClient } from '../kube/types.js';
import { parsePodRef, resolvePod, resolveSelector } from '../kube/podref.js';
import { FileAdmin, PortForwardAdmin, type EnvoyAdmin } from './admin.js';
import { KindError } from '../util/errors.js';

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
        // rope string that costs a second copy of a 50 MB dump when it is flattened.
        text = f === '-' ? await o.readStdin() : (await readFile(f)).toString('utf8');
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
  return [new PortForwardAdmin(kube, pod, pf)];
}
