/**
 * Strategic merge patch for Pods, the part injection relies on (k8s.io/apimachinery strategicpatch
 * with corev1.Pod's patch metadata): maps merge key by key; lists with a patch merge key merge item
 * by item (patch items matched by key are merged in place, new items are appended); all other lists
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
    return out;
  }
  return patch;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
