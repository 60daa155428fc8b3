/** Shared by capture and live diagnose: validate the target before any cluster call, then collect. */
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../cli/errors.js';
import { VERSION } from '../../cli/version.js';
import { PortForwardAdmin } from '../../envoy/admin.js';
import { parseFlagDuration } from '../../cli/flags.js';
import { collect, type CollectRequest, type Collected } from '../../diagnose/collect.js';
import { parsePodRef } from '../../kube/podref.js';
import { withContext } from '../../util/errors.js';

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
  if (!NAME.test(host)) throw new UsageError(`TO: "${to}" is not a host[:port] or pod name`);
  if (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535)) throw new UsageError(`TO: port ${m[2]} is out of range`);
  if (via !== undefined && !NAME.test(via)) throw new UsageError(`--via: "${via}" is not a gateway pod or Service name[.namespace]`);
}

export interface LiveOptions {
  tail: string;
  timeout: string;
}

export async function collectLive(ctx: CommandContext, req: CollectRequest, o: LiveOptions): Promise<Collected> {
  const tailLines = Number(o.tail);
  if (!Number.isInteger(tailLines) || tailLines < 1) throw new UsageError(`--tail: "${o.tail}" is not a positive integer`);
  const timeoutMs = parseFlagDuration(o.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) throw new UsageError(`--timeout: "${o.timeout}" is not a duration (e.g. 30s)`);
  const kube = await ctx.connectKube();
  return collect(req, {
    kube,
    admin: (pod, port) => new PortForwardAdmin(kube, pod, { port, timeoutMs }),
    istioNamespace: ctx.globals.istioNamespace,
    now: new Date(),
    version: VERSION,
    tailLines,
    // A healthy Envoy answers /ready in milliseconds; past this a sidecar counts as hung, so a
    // dead one costs seconds, not the full --timeout meant for large config dumps.
    readyTimeoutMs: Math.min(timeoutMs, READY_TIMEOUT_MS),
  });
}
