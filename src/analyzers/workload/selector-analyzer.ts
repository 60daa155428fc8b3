import { defineAnalyzer } from '../../analysis/types.js';
import { asRecord, asStringMap, get, isPlainObject } from '../../util/objects.js';
import { matchesLabelSelector, selectorString } from '../util/selector.js';

/** Kinds whose selector the API server requires and checks against the pod template (apps/v1). */
const KINDS = ['DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'];

export const selectorAnalyzer = defineAnalyzer({
  name: 'workload.SelectorAnalyzer',
  description: 'Checks that workloads have a selector that matches their own pod template labels',
  inputs: [],
  optionalInputs: KINDS,
  messages: ['WorkloadWithoutSelector', 'WorkloadSelectorMismatch'],
  analyze(ctx) {
    for (const kind of KINDS) {
      for (const w of ctx.snapshot.list(kind)) {
        const selector = get(w.object, 'spec', 'selector');
        const labels = asStringMap(get(w.object, 'spec', 'template', 'metadata', 'labels'));
        const sel = asRecord(selector);
        const empty = !isPlainObject(selector) || (Object.keys(asRecord(sel.matchLabels)).length === 0 && !Array.isArray(sel.matchExpressions));
        // Before apps/v1 the selector defaulted to the template labels; apps/v1 requires it.
        if (empty && w.apiVersion === 'apps/v1') {
          ctx.report({ resource: w, message: 'WorkloadWithoutSelector', args: [kind, selectorString(labels) || 'none'], path: ['spec'] });
          continue;
        }
        if (empty) continue;
        if (matchesLabelSelector(selector, labels)) continue;
        ctx.report({
          resource: w,
          message: 'WorkloadSelectorMismatch',
          args: [selectorString(asStringMap(sel.matchLabels)) || 'matchExpressions', selectorString(labels) || 'none', kind],
          path: ['spec', 'selector'],
        });
      }
    }
  },
});
