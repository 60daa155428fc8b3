/**
 * Strategic merge patch for Pods, the part injection relies on (k8s.io/apimachinery strategicpatch
 * with corev1.Pod's patch metadata): maps merge key by key; lists with a patch merge key merge item
 * by item (patch items matched by key are merged in place, new items added), then ordered as
 * apimachinery orders them (see elementOrder); all other lists
 * and scalars are replaced. Unlike upstream, a null in a rendered template leaves the field alone —
 * a template that emits an empty `initContainers:` must not delete the workload's init containers.
 */
import { isPlainObject } from '../util/objects.js';

type Obj = Record<string, unknown>;

/** Merge keys by list field name, as corev1 types declare them (patchMergeKey). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  resourceClaims: 'name',
  topologySpreadConstraints: 'topologyKey',
  ownerReferences: 'uid',
};

export function strategicMerge(original: unknown, patch: unknown, fieldName = ''): unknown {
  if (patch === null || patch === undefined) return original;
  if (isPlainObject(patch)) {
    if (!isPlainObject(original)) return clone(patch);
    const out: Obj = { ...original };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined) continue;
      out[k] = k in original ? strategicMerge(original[k], v, k) : clone(v);
    }
    return out;
  }
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[fieldName];
    if (!key || !Array.isArray(original)) return clone(patch);
    const out = original.map((x) => clone(x));
    for (const item of patch) {
      if (!isPlainObject(item)) continue;
      const idx = out.findIndex((o) => isPlainObject(o) && o[key] === item[key] && item[key] !== undefined);
      if (idx === -1) out.push(clone(item));
      else out[idx] = strategicMerge(out[idx], item, '');
    }
    return elementOrder(out, patch, original, key);
  }
  return patch;
}

const keyOf = (v: unknown, key: string): unknown => (isPlainObject(v) ? v[key] : undefined);

/**
 * apimachinery's normalizeElementOrder: the patch's items, in patch order, with the items only
 * the original has slotted in among them by their original positions; an original-only item
 * goes before a patch item only when both were in the original and it came first. So a template
 * (the patch) puts its ports, mounts and volumes before the workload's own, as istiod's output has them.
 */
function elementOrder(merged: unknown[], patch: unknown[], original: unknown[], key: string): unknown[] {
  if (patch.some((p) => keyOf(p, key) === undefined) || merged.some((m) => keyOf(m, key) === undefined)) return merged;
  const patchKeys = patch.map((p) => keyOf(p, key));
  const indexIn = (list: unknown[], v: unknown): number => list.findIndex((x) => keyOf(x, key) === keyOf(v, key));
  const right = merged.filter((m) => patchKeys.includes(keyOf(m, key))).sort((a, b) => indexIn(patch, a) - indexIn(patch, b));
  const left = merged.filter((m) => !patchKeys.includes(keyOf(m, key)));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexIn(original, left[i]);
      const ri = indexIn(original, right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
