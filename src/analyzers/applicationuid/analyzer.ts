import { defineAnalyzer } from '../../analysis/types.js';
import type { FieldPath, Resource } from '../../resources/types.js';
import { asArray, asObjects, get } from '../../util/objects.js';
import { isControlPlane } from '../util/mesh.js';

/** The sidecar runs as UID 1337; iptables exempts that UID's traffic from capture. */
const PROXY_UID = 1337;
/** Containers that legitimately run as the proxy UID. */
const EXEMPT_CONTAINERS = new Set(['istio-proxy', 'istio-operator']);

/**
 * upstream deployment/pod.go (kept in a folder named after its metadata area, applicationUID, like
 * every analyzer here): an application running as UID 1337 would have its traffic bypass the
 * sidecar. Pods and Deployments are checked; pods made up from a Deployment's template are not
 * (the Deployment itself is), those from other workload kinds are, and land on the workload.
 */
export default defineAnalyzer({
  name: 'applicationUID.Analyzer',
  description: 'Checks invalid application UID',
  inputs: [],
  optionalInputs: ['Pod', 'Deployment'],
  messages: ['InvalidApplicationUID'],
  analyze(ctx) {
    for (const pod of ctx.snapshot.list('Pod')) {
      if (pod.synthetic?.reason === 'default' || pod.synthetic?.owner?.kind === 'Deployment') continue;
      check(pod, ['spec']);
    }
    for (const d of ctx.snapshot.list('Deployment')) check(d, ['spec', 'template', 'spec']);

    function check(r: Resource, specPath: FieldPath) {
      if (isControlPlane(r)) return;
      const path = offendingField(get(r.object, ...specPath), specPath);
      if (path) ctx.report({ resource: r, message: 'InvalidApplicationUID', path });
    }
  },
});

/** The first runAsUser that is 1337 (pod level, then each non-exempt container), or undefined. */
function offendingField(spec: unknown, specPath: FieldPath): FieldPath | undefined {
  if (get(spec, 'securityContext', 'runAsUser') === PROXY_UID) return [...specPath, 'securityContext', 'runAsUser'];
  const containers = asObjects(get(spec, 'containers'));
  for (let i = 0; i < containers.length; i++) {
    const c = containers[i]!;
    if (EXEMPT_CONTAINERS.has(String(c.name))) continue;
    if (get(c, 'securityContext', 'runAsUser') === PROXY_UID) return [...specPath, 'containers', i, 'securityContext', 'runAsUser'];
  }
  return undefined;
}
