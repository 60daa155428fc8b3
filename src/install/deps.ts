import type { KubeWriteClient } from '../kube/types.js';
import type { Clock } from './apply/wait.js';

/** What install, uninstall and precheck need from the outside; tests pass fakes. */
export interface ClusterDeps {
  readonly connect: () => Promise<KubeWriteClient>;
  readonly clock: Clock;
}

/** The real cluster connection and the wall clock. */
export function liveDeps(connect: () => Promise<KubeWriteClient>): ClusterDeps {
  return {
    connect,
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
  };
}
