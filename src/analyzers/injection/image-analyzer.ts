import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { get } from '../../util/objects.js';
import { INJECTION_LABEL, injectorConfigMapName, injectorProxyImage, injectorValues, ISTIO_PROXY, allContainers, REVISION_LABEL } from '../util/injection.js';
import { proxyImageType } from '../util/proxy-config.js';

/**
 * upstream injection/injection-image.go: pods in injected namespaces whose istio-proxy image is not
 * the one the (revision's) injector ConfigMap would inject today, i.e. pods not restarted after an
 * upgrade. One message per namespace.
 */
export default defineAnalyzer({
  name: 'injection.ImageAnalyzer',
  description: 'Checks the image of auto-injection configured with the running proxies on pods',
  inputs: ['Namespace', 'Pod', 'ConfigMap'],
  optionalInputs: ['ProxyConfig'],
  messages: ['PodsIstioProxyImageMismatchInNamespace'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const images = new Map<string, string>();
    for (const cm of snapshot.list('ConfigMap')) {
      if (cm.name.startsWith('istio-sidecar-injector')) images.set(cm.name, injectorProxyImage(injectorValues(cm)));
    }
    if (!images.size) return;

    const revisionOf = new Map<string, string>();
    const namespaces = new Map<string, Resource>();
    for (const ns of snapshot.list('Namespace')) {
      namespaces.set(ns.name, ns);
      if (REVISION_LABEL in ns.labels) revisionOf.set(ns.name, ns.labels[REVISION_LABEL]!);
      else if (ns.labels[INJECTION_LABEL] === 'enabled') revisionOf.set(ns.name, 'default');
    }

    const mismatched = new Map<string, string[]>();
    for (const pod of snapshot.list('Pod')) {
      // Templates carry no injected image and the default ingress pod is made up.
      if (pod.synthetic) continue;
      const rev = revisionOf.get(pod.namespace);
      if (rev === undefined) continue;
      // An explicit proxyImage annotation overrides whatever the injector would pick.
      if (pod.annotations['sidecar.istio.io/proxyImage']) continue;
      const expected = images.get(injectorConfigMapName(rev));
      if (expected === undefined) continue;
      const variant = proxyImageType(ctx.mesh, snapshot, pod);
      for (const c of allContainers(get(pod.object, 'spec'))) {
        if (c.name !== ISTIO_PROXY) continue;
        // The injector appends "-<imageType>" (e.g. -distroless) to the tag.
        if (c.image !== expected && c.image !== `${expected}-${variant}`) {
          const list = mismatched.get(pod.namespace) ?? [];
          list.push(pod.name);
          mismatched.set(pod.namespace, list);
        }
      }
    }
    for (const [ns, pods] of mismatched) {
      const resource = namespaces.get(ns);
      if (resource) ctx.report({ resource, message: 'PodsIstioProxyImageMismatchInNamespace', args: [pods] });
    }
  },
});
