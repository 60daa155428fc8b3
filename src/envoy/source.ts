/**
 * Opens the admin sources a command works on: a saved file (-f), one pod reference, or every pod
 * of a label selector (-l). Usage is validated before any cluster call; the Kubernetes client is
 * only imported when a pod is involved.
 */
import { readFile } from 'node:fs/promises';
import type { KubeClient } from '../kube/types.js';
import { parsePodRef, resolvePod, resolveSelector } from '../kube/podref.js';
import { FileAdmin, PortForwardAdmin, type EnvoyAdmin } from './admin.js';

export interface SourceOptions {
  file?: string;
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

export class SourceError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'noinput' | 'error',
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/** Checks the combination of pod, -f and -l without touching files or the cluster. */
export function validateSource(cmdName: string, o: Pick<SourceOptions, 'file' | 'pod' | 'selector'>, allowSelector = false): void {
  const n = Number(Boolean(o.file)) + Number(Boolean(o.pod)) + Number(Boolean(o.selector));
  if (n === 0) {
    throw new SourceError(`${cmdName} requires pod name or --file parameter`, 'usage', allowSelector ? 'Pass POD[.NAMESPACE], deploy/NAME, -l SELECTOR or -f FILE.' : 'Pass POD[.NAMESPACE], deploy/NAME or -f FILE.');
  }
  if (n > 1) throw new SourceError(`${cmdName}: give only one of a pod, --file${allowSelector ? ' or --selector' : ''}`, 'usage');
  if (o.selector && !allowSelector) throw new SourceError(`${cmdName} does not take --selector`, 'usage');
}

export async function openSources(o: SourceOptions): Promise<EnvoyAdmin[]> {
  if (o.file) {
    let text: string;
    try {
      text = o.file === '-' ? await o.readStdin() : await readFile(o.file, 'utf8');
    } catch (e) {
      throw new SourceError(`cannot read ${o.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'noinput');
    }
    return [new FileAdmin(o.file === '-' ? '<stdin>' : o.file, text)];
  }
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
