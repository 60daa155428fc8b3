import { kindInfo } from '../resources/kinds.js';
import { resourceKey, type Resource } from '../resources/types.js';

const EMPTY: readonly Resource[] = Object.freeze([]);

/**
 * An immutable set of resources with the indexes analyzers need. A kind is "available" when the
 * source could tell us about it: a missing kind means "unknown", an available but empty kind
 * means "there are none".
 */
export class Snapshot {
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byKindNs = new Map<string, Resource[]>();
  private readonly byKey = new Map<string, Resource>();

  constructor(
    resources: Iterable<Resource>,
    private readonly available: ReadonlySet<string>,
  ) {
    for (const r of resources) {
      const key = resourceKey(r.kind, r.namespace, r.name);
      if (this.byKey.has(key)) continue; // first wins: callers put the highest-precedence source first
      this.byKey.set(key, r);
      push(this.byKind, r.kind, r);
      push(this.byKindNs, `${r.kind}/${r.namespace}`, r);
    }
  }

  /** All resources of a kind, in input order. */
  list(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? EMPTY;
  }

  /** Resources of a kind in one namespace. */
  inNamespace(kind: string, namespace: string): readonly Resource[] {
    return this.byKindNs.get(`${kind}/${namespace}`) ?? EMPTY;
  }

  get(kind: string, namespace: string, name: string): Resource | undefined {
    const info = kindInfo(kind);
    return this.byKey.get(resourceKey(kind, info && !info.namespaced ? '' : namespace, name));
  }

  isAvailable(kind: string): boolean {
    return this.available.has(kind);
  }

  get size(): number {
    return this.byKey.size;
  }

  *all(): Iterable<Resource> {
    yield* this.byKey.values();
  }

  availableKinds(): readonly string[] {
    return [...this.available].sort();
  }
}

function push(m: Map<string, Resource[]>, k: string, r: Resource) {
  const l = m.get(k);
  if (l) l.push(r);
  else m.set(k, [r]);
}
