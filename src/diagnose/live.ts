/** Shared by capture and live diagnose: validate the target before any cluster call, then collect. */
import { PortForwardAdmin } from '../envoy/admin.js';
import { parsePodRef } from '../kube/podref.js';
import type { KubeClient } from '../kube/types.js';
import { KindError, withContext } from '../util/errors.js';
import { collect, type CollectRequest, type Collected } from './collect.js';

const READY_TIMEOUT_MS = 10_000;

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Usage errors in FROM, TO or --via, found without touching the cluster. */
export function validateTarget(from: string, to: string, via: string | undefined): void {
  if (from !== 'ingress') {
    try {
      parsePodRef(from, 'default');
    } catch (e) {
      throw withContext(e, 'FROM');
    }
  }
  const m = /^(.*?)(?::(\d+))?$/.exec(to)!;
  const host = m[1]!.replace(/^pod\//, '');
  if (!NAME.test(host)) throw new KindError(`TO: "${to}" is not a host[:port] or pod name`, 'usage');
  if (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535)) throw new KindError(`TO: port ${m[2]} is out of range`, 'usage');
  if (via !== undefined && !NAME.test(via)) throw new KindError(`--via: "${via}" is not a gateway pod or Service name[.namespace]`, 'usage');
}

export interface LiveOptions {
  readonly kube: () => Promise<KubeClient>;
  readonly istioNamespace: string;
  /** The istio-ts version, recorded in capture.json. */
  readonly version: string;
  /** Access-log lines per container. */
  readonly tailLines: number;
  /** Per Envoy admin request. */
  readonly timeoutMs: number;
}

export async function collectLive(req: CollectRequest, o: LiveOptions): Promise<Collected> {
  const kube = await o.kube();
  return collect(req, {
    kube,
    admin: (pod, port) => new PortForwardAdmin(kube, pod, { port, timeoutMs: o.timeoutMs }),
    istioNamespace: o.istioNamespace,
    now: new Date(),
    version: o.version,
    tailLines: o.tailLines,
    // A healthy Envoy answers /ready in milliseconds; past this a sidecar counts as hung, so a
    // dead one costs seconds, not the full --timeout meant for large config dumps.
    readyTimeoutMs: Math.min(o.timeoutMs, READY_TIMEOUT_MS),
  });
}
