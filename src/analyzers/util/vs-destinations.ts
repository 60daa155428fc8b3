import type { FieldPath, Resource } from '../../resources/types.js';
import { asArray, asRecord, asString, isPlainObject } from '../../util/objects.js';

/** A VirtualService destination with where it sits (upstream AnnotatedDestination). */
export interface RouteDestination {
  /** "tcp", "tls", "http", "http.mirror" or "http.mirrors". */
  readonly rule: string;
  readonly host: string;
  readonly subset: string;
  /** destination.port.number, or undefined when the destination names no port. */
  readonly port: number | undefined;
  /** Path of the destination's `host` field, for file:line. */
  readonly path: FieldPath;
}

function destination(rule: string, d: unknown, path: FieldPath): RouteDestination {
  const o = asRecord(d);
  const port = isPlainObject(o.port) ? Number(o.port.number ?? 0) : undefined;
  return { rule, host: asString(o.host), subset: asString(o.subset), port, path: [...path, 'host'] };
}

/** The route destinations of tcp, tls and http rules, in upstream's order. */
export function routeDestinations(vs: Resource): RouteDestination[] {
  const spec = asRecord(vs.object.spec);
  const out: RouteDestination[] = [];
  for (const rule of ['tcp', 'tls', 'http'] as const) {
    asArray(spec[rule]).forEach((r, i) => {
      asArray(asRecord(r).route).forEach((rd, j) => {
        out.push(destination(rule, asRecord(rd).destination, ['spec', rule, i, 'route', j, 'destination']));
      });
    });
  }
  return out;
}

/** The mirror destinations of http rules: the single `mirror` and each of `mirrors`. */
export function mirrorDestinations(vs: Resource): RouteDestination[] {
  const out: RouteDestination[] = [];
  asArray(asRecord(vs.object.spec).http).forEach((r, i) => {
    const rule = asRecord(r);
    if (isPlainObject(rule.mirror)) out.push(destination('http.mirror', rule.mirror, ['spec', 'http', i, 'mirror']));
    asArray(rule.mirrors).forEach((m, j) => {
      out.push(destination('http.mirrors', asRecord(m).destination, ['spec', 'http', i, 'mirrors', j, 'destination']));
    });
  });
  return out;
}

/** The gateways a VirtualService binds to (`spec.gateways`). */
export function vsGateways(vs: Resource): string[] {
  return asArray(asRecord(vs.object.spec).gateways).map(String);
}

export function vsHosts(vs: Resource): string[] {
  return asArray(asRecord(vs.object.spec).hosts).map(String);
}

export function vsExportTo(vs: Resource): string[] {
  return asArray(asRecord(vs.object.spec).exportTo).map(String);
}

/** The reserved gateway name for sidecars. */
export const MESH_GATEWAY = 'mesh';
