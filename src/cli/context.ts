import type { IO } from './io.js';
import { decideColor, type ColorMode } from './io.js';
import { UsageError } from './errors.js';
import type { KubeWriteClient } from '../kube/types.js';

/** Global flags, shared by every command (kubectl / istioctl names). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  istioNamespace: string;
  output?: string;
  color: ColorMode;
}

/** What a command's run function gets: streams, global flags, and lazily the cluster. */
export class CommandContext {
  constructor(
    readonly io: IO,
    readonly globals: GlobalOptions,
  ) {}

  get color(): boolean {
    return decideColor(this.globals.color, this.io);
  }

  out(s: string): void {
    this.io.stdout.write(s);
  }

  err(s: string): void {
    this.io.stderr.write(s);
  }

  /**
   * The cluster, from --kubeconfig/--context/-n as kubectl resolves them. The client library is
   * imported here, on first use, so that offline commands never load it.
   */
  async connectKube(context?: string): Promise<KubeWriteClient> {
    const { connect } = await import('../kube/client.js');
    // `context` picks another context of the same kubeconfig (analyze --remote-contexts).
    const ctxName = context ?? this.globals.context;
    return connect({
      env: this.io.env,
      ...(this.globals.kubeconfig ? { kubeconfig: this.globals.kubeconfig } : {}),
      ...(ctxName ? { context: ctxName } : {}),
      ...(this.globals.namespace ? { namespace: this.globals.namespace } : {}),
    });
  }

  /** Picks -o from the allowed set (case-insensitive), or throws a usage error. */
  outputFormat<T extends string>(allowed: readonly T[], fallback: T): T {
    const o = this.globals.output;
    if (o === undefined || o === '') return fallback;
    const hit = allowed.find((a) => a.toLowerCase() === o.toLowerCase());
    if (!hit) throw new UsageError(`invalid output format "${o}"; one of: ${allowed.join(', ')}`);
    return hit;
  }
}
