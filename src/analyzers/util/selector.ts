import type { Labels } from '../../resources/types.js';
import { asArray, asObjects, asStringMap, isPlainObject } from '../../util/objects.js';

/** A plain map selector (Istio workloadSelector.labels, Service.spec.selector): every pair must match. */
export function matchesLabels(selector: Labels, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

/** Kubernetes LabelSelector (matchLabels + matchExpressions). An empty selector matches everything. */
export function matchesLabelSelector(selector: unknown, labels: Labels): boolean {
  if (!isPlainObject(selector)) return true;
  if (!matchesLabels(asStringMap(selector.matchLabels), labels)) return false;
  for (const e of asObjects(selector.matchExpressions)) {
    const key = String(e.key ?? '');
    const values = asArray(e.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** "a=b,c=d" as upstream prints selectors in messages (keys sorted). */
export function selectorString(selector: Labels): string {
  return Object.keys(selector)
    .sort()
    .map((k) => `${k}=${selector[k]}`)
    .join(',');
}
