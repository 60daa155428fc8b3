import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asObjects, asRecord, asStringMap, get } from '../../util/objects.js';
import { REVISION_LABEL, webhookSelectorMatches } from '../util/injection.js';

interface Webhook {
  name?: unknown;
  namespaceSelector?: unknown;
  objectSelector?: unknown;
  clientConfig?: { service?: { name?: unknown; namespace?: unknown } | null; url?: unknown };
}

/**
 * upstream webhook/webhook.go. Every combination of namespace labels (none, istio-injection
 * enabled/disabled, each with and without each known revision) and pod labels (none,
 * sidecar.istio.io/inject true/false, same revisions) must be matched by at most one Istio
 * injection webhook, or the pod is injected twice. Webhooks must also point at an existing Service.
 */
export default defineAnalyzer({
  name: 'webhook.Analyzer',
  description: 'Checks the validity of Istio webhooks',
  inputs: ['MutatingWebhookConfiguration', 'Service'],
  messages: ['InvalidWebhook'],
  analyze(ctx) {
    const hooks: { key: string; config: Resource; index: number; hook: Webhook }[] = [];
    const revisions = new Set<string>();
    for (const mwc of ctx.snapshot.list('MutatingWebhookConfiguration')) {
      const list = asObjects<Webhook>(get(mwc.object, 'webhooks'));
      const revs = revisionsOf(mwc, list);
      if (!revs.size && !list.some((w) => String(w.name ?? '').endsWith('istio.io'))) continue;
      for (const r of revs) revisions.add(r);
      list.forEach((hook, index) => hooks.push({ key: `${mwc.name}/${String(hook.name ?? '')}`, config: mwc, index, hook }));
    }

    const nsLabelSets = permutations([{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }], revisions);
    const podLabelSets = permutations([{}, { 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' }], revisions);
    // The same overlap shows up under many label combinations; report each distinct text once.
    const seen = new Set<string>();
    for (const ns of nsLabelSets) {
      for (const pod of podLabelSets) {
        const matches = hooks.filter(
          (h) => webhookSelectorMatches(h.hook.namespaceSelector, ns) && webhookSelectorMatches(h.hook.objectSelector, pod),
        );
        const keys = [...new Set(matches.map((m) => m.key))];
        if (keys.length < 2) continue;
        for (const m of matches) {
          const others = keys.filter((k) => k !== m.key).sort();
          const text = `Webhook overlaps with others: [${others.join(' ')}]. This may cause injection to occur twice.`;
          if (seen.has(`${m.key}\n${text}`)) continue;
          seen.add(`${m.key}\n${text}`);
          ctx.report({ resource: m.config, message: 'InvalidWebhook', args: [text], path: ['webhooks', m.index, 'name'] });
        }
      }
    }

    for (const h of hooks) {
      const svc = h.hook.clientConfig?.service;
      // A url-based webhook (external control plane) has no in-cluster Service to check.
      if (!svc) continue;
      const name = String(svc.name ?? '');
      const namespace = String(svc.namespace ?? '');
      if (ctx.snapshot.get('Service', namespace, name)) continue;
      ctx.report({
        resource: h.config,
        message: 'InvalidWebhook',
        args: [`Injector refers to a control plane service that does not exist: ${namespace}/${name}.`],
        path: ['webhooks', h.index, 'clientConfig', 'service', 'name'],
      });
    }
  },
});

/** Revisions named by the configuration's istio.io/rev label or its webhooks' selectors. */
function revisionsOf(mwc: Resource, hooks: readonly Webhook[]): Set<string> {
  const revs = new Set<string>();
  if (REVISION_LABEL in mwc.labels) revs.add(mwc.labels[REVISION_LABEL]!);
  for (const h of hooks) {
    for (const sel of [h.namespaceSelector, h.objectSelector]) {
      const s = asRecord(sel);
      const ml = asStringMap(s.matchLabels);
      if (REVISION_LABEL in ml) revs.add(ml[REVISION_LABEL]!);
      for (const e of asObjects(s.matchExpressions)) {
        if (e.key === REVISION_LABEL) for (const v of asArray(e.values)) revs.add(String(v));
      }
    }
  }
  return revs;
}

function permutations(bases: readonly Labels[], revisions: ReadonlySet<string>): Labels[] {
  const out: Labels[] = bases.map((b) => ({ ...b }));
  for (const rev of revisions) for (const b of bases) out.push({ ...b, [REVISION_LABEL]: rev });
  return out;
}
