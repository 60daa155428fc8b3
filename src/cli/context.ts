import type { IO } from './io.js';
import { decideColor, type ColorMode } from './io.js';
import { chooseFormat } from '../output/printers.js';
import type { KubeWriteClient } from '../kube/types.js';

/** Global flags, shared by every command (kubectl / istioctl names). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  istioNamespace: string;
  output?: string;
  color: ColorMode;
  /** --request-timeout in milliseconds (0: none); undefined: the client's default. */
  requestTimeoutMs?: number;
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
  connectKube(): Promise<KubeWriteClient> {
    // One connection per command: credentials (an exec plugin run) and discovery are shared.
    this.kube ??= import('../kube/client.js').then(({ connect }) =>
      connect({
        env: this.io.env,
        ...(this.globals.kubeconfig ? { kubeconfig: this.globals.kubeconfig } : {}),
        ...(this.globals.context ? { context: this.globals.context } : {}),
        ...(this.globals.namespace ? { namespace: this.globals.namespace } : {}),
        ...(this.globals.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.globals.requestTimeoutMs } : {}),
      }),
    );
    const p = this.kube;
    p.catch(() => {
      if (this.kube === p) this.kube = undefined;
    });
    return p;
  }

  private kube: Promise<KubeWriteClient> | undefined;

  /**
   * Another context of the same kubeconfig (analyze --remote-contexts), with the same flags
   * otherwise; a connection of its own, not shared with connectKube().
   */
  async connectKubeContext(context: string): Promise<KubeWriteClient> {
    const { connect } = await import('../kube/client.js');
    return connect({
      env: this.io.env,
      ...(this.globals.kubeconfig ? { kubeconfig: this.globals.kubeconfig } : {}),
      context,
      ...(this.globals.namespace ? { namespace: this.globals.namespace } : {}),
      ...(this.globals.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.globals.requestTimeoutMs } : {}),
    });
  }

  /** Picks -o from the allowed set (src/output/printers.ts chooseFormat), or throws a usage error. */
  outputFormat<T extends string>(allowed: readonly T[], fallback: T): T {
    return chooseFormat(this.globals.output, allowed, fallback);
  }
}
