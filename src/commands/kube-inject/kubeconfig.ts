/**
 * Whether a kubeconfig can be found, decided without loading @kubernetes/client-node (its
 * loadFromDefault would otherwise invent a cluster at http://localhost:8080 and fail late with
 * ECONNREFUSED). Same order as kubectl: --kubeconfig, $KUBECONFIG (any listed file that exists),
 * ~/.kube/config, then the in-cluster service account.
 */
import { join } from 'node:path';

export const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function findKubeconfig(opts: { kubeconfig?: string; env: Readonly<Record<string, string | undefined>>; exists: (path: string) => boolean }): string | undefined {
  if (opts.kubeconfig) return opts.kubeconfig; // an explicit flag is used (and fails loudly) even if missing
  const listed = (opts.env.KUBECONFIG ?? '').split(':').filter((f) => f !== '');
  const hit = listed.find((f) => opts.exists(f));
  if (hit) return hit;
  const home = opts.env.HOME ?? opts.env.USERPROFILE;
  if (listed.length === 0 && home && opts.exists(join(home, '.kube', 'config'))) return join(home, '.kube', 'config');
  if (opts.env.KUBERNETES_SERVICE_HOST && opts.exists(IN_CLUSTER_TOKEN)) return 'in-cluster';
  return undefined;
}
