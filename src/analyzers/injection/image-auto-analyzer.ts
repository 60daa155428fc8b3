import { defineAnalyzer } from '../../analysis/types.js';
import { asObjects, asRecord, asStringMap, get } from '../../util/objects.js';
import { ISTIO_PROXY, webhookSelectorMatches } from '../util/injection.js';

interface Webhook {
  name?: unknown;
  namespaceSelector?: unknown;
  objectSelector?: unknown;
}

/**
 * upstream injection/image-auto.go. `image: auto` on an istio-proxy container is a placeholder the
 * injection webhook fills in (gateway deployments use it). A Pod that still has it was never
 * injected; a Deployment that has it must be matched by an Istio injection webhook.
 */
export default defineAnalyzer({
  name: 'injection.ImageAutoAnalyzer',
  description: 'Makes sure that Pods and Deployments with `image: auto` are going to be injected',
  inputs: ['Pod'],
  optionalInputs: ['Namespace', 'Deployment', 'MutatingWebhookConfiguration'],
  messages: ['ImageAutoWithoutInjectionError', 'ImageAutoWithoutInjectionWarning'],
  analyze(ctx) {
    const { snapshot } = ctx;
    for (const pod of snapshot.list('Pod')) {
      // A workload template legitimately carries the placeholder; the Deployment check covers it.
      if (pod.synthetic) continue;
      if (hasAutoImage(get(pod.object, 'spec'))) {
        ctx.report({ resource: pod, message: 'ImageAutoWithoutInjectionError', args: ['Pod', pod.name] });
      }
    }
    // Without the webhook configurations we cannot tell whether a Deployment would be injected.
    if (!snapshot.isAvailable('MutatingWebhookConfiguration')) return;
    const webhooks: Webhook[] = [];
    for (const mwc of snapshot.list('MutatingWebhookConfiguration')) {
      for (const wh of asObjects<Webhook>(get(mwc.object, 'webhooks'))) {
        if (String(wh.name ?? '').endsWith('istio.io')) webhooks.push(wh);
      }
    }
    for (const d of snapshot.list('Deployment')) {
      const tpl = asRecord(get(d.object, 'spec', 'template'));
      if (!hasAutoImage(tpl.spec)) continue;
      const nsName = d.namespace || 'default';
      const nsLabels = snapshot.get('Namespace', '', nsName)?.labels ?? {};
      const podLabels = asStringMap(get(tpl, 'metadata', 'labels'));
      const matched = webhooks.some(
        (w) => webhookSelectorMatches(w.namespaceSelector, nsLabels) && webhookSelectorMatches(w.objectSelector, podLabels),
      );
      if (!matched) ctx.report({ resource: d, message: 'ImageAutoWithoutInjectionWarning', args: ['Deployment', d.name] });
    }
  },
});

function hasAutoImage(spec: unknown): boolean {
  return asObjects<{ name?: unknown; image?: unknown }>(get(spec, 'containers')).some((c) => c.name === ISTIO_PROXY && c.image === 'auto');
}
