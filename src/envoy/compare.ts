/**
 * istiod's view of a proxy's config (/debug/config_dump?proxyID=…) against what the proxy's Envoy
 * holds (/config_dump), as `istioctl proxy-status <pod>` compares them: only the dynamic clusters,
 * listeners and routes, with version info and update times stripped, each list sorted by name
 * (and route virtual hosts by name), printed as 4-space JSON and diffed with 7 lines of context.
 *
 * Envoy's admin API prints proto field names (snake_case); istiod's debug endpoint prints JSON
 * names (camelCase). Both are brought to JSON names, and object keys are sorted, so only real
 * differences show.
 */
import { arr, field, isObj, obj, section, SECTION, str, type ConfigDump, type Obj, type SectionName } from './configdump.js';
import { toProtoJson } from './protojson.js';

const TYPE = {
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

export interface SectionComparison {
  readonly match: boolean;
  /** Unified diff, istiod as "from", Envoy as "to"; "" when they match. */
  readonly diff: string;
}

export interface DumpComparison {
  readonly clusters: SectionComparison;
  readonly listeners: SectionComparison;
  readonly routes: SectionComparison;
  /** The newest last_updated of Envoy's dynamic route configs (RFC 3339), if any. */
  readonly routesLastLoaded?: string;
}

/** Context lines around each change, as istioctl's comparator uses. */
export const DIFF_CONTEXT = 7;

export function compareDumps(istiod: ConfigDump, envoy: ConfigDump): DumpComparison {
  const side = (d: ConfigDump, name: SectionName, norm: (s: Obj) => unknown): string => {
    const s = section(d, name);
    // istioctl diffs the error text when a side lacks the section; so do we.
    if (!s) return `config dump has no ${SECTION[name]}`;
    return `${JSON.stringify(sortKeys(toProtoJson(norm(s))), null, 4)}`;
  };
  const one = (name: SectionName, norm: (s: Obj) => unknown, what: string): SectionComparison => {
    const a = side(istiod, name, norm);
    const b = side(envoy, name, norm);
    const diff = unifiedDiff(splitLines(a), splitLines(b), `Istiod ${what}`, `Envoy ${what}`, DIFF_CONTEXT);
    return { match: diff === '', diff };
  };
  const last = routesLastLoaded(envoy);
  return {
    clusters: one('clusters', dynamicClusters, 'Clusters'),
    listeners: one('listeners', dynamicListeners, 'Listeners'),
    routes: one('routes', dynamicRoutes, 'Routes'),
    ...(last ? { routesLastLoaded: last } : {}),
  };
}

const byName = (get: (o: Obj) => string) => (a: Obj, b: Obj) => {
  const x = get(a);
  const y = get(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

function withType(v: unknown, type: string): Obj {
  return { ...obj(v), '@type': type };
}

function dynamicClusters(s: Obj): unknown {
  const dac = arr(field(s, 'dynamic_active_clusters'))
    .map(obj)
    .map((c) => ({ cluster: withType(c.cluster, TYPE.cluster) }))
    .sort(byName((c) => str(obj(c.cluster).name)));
  return { dynamic_active_clusters: dac };
}

function dynamicListeners(s: Obj): unknown {
  const dl = arr(field(s, 'dynamic_listeners'))
    .map(obj)
    // A reloaded listener has an active and a draining state; only the active one is compared.
    .filter((l) => isObj(field(l, 'active_state')))
    .map((l) => {
      const active = obj(field(l, 'active_state'));
      return { active_state: { listener: withType(active.listener, TYPE.listener) } };
    })
    .sort(byName((l) => str(obj(obj(l.active_state).listener).name)));
  return { dynamic_listeners: dl };
}

function dynamicRoutes(s: Obj): unknown {
  const drc = arr(field(s, 'dynamic_route_configs'))
    .map(obj)
    .map((r) => {
      const rc = withType(field(r, 'route_config'), TYPE.route);
      const vhosts = arr(field(rc, 'virtual_hosts')).map(obj).sort(byName((v) => str(v.name)));
      const key = 'virtual_hosts' in rc ? 'virtual_hosts' : 'virtualHosts';
      return { route_config: vhosts.length ? { ...rc, [key]: vhosts } : rc };
    })
    .sort(byName((r) => str(obj(r.route_config).name)));
  return { dynamic_route_configs: drc };
}

function routesLastLoaded(envoy: ConfigDump): string | undefined {
  let newest = 0;
  for (const r of arr(field(obj(section(envoy, 'routes')), 'dynamic_route_configs')).map(obj)) {
    const t = Date.parse(str(field(r, 'last_updated')));
    if (!Number.isNaN(t) && t > newest) newest = t;
  }
  return newest > 0 ? new Date(newest).toISOString() : undefined;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** Lines with their newline kept, like difflib.SplitLines (the last line gets one added). */
export function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split('\n').map((l) => `${l}\n`);
  if (s.endsWith('\n')) lines.pop();
  return lines;
}

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

/**
 * Myers' O(ND) diff of two line lists as an edit script. When the lists differ in more than
 * `maxD` lines the script is "delete all, insert all": the config is then wholly different and
 * a minimal diff would cost O(N·D) memory for no reader's benefit.
 */
function editScript(a: readonly string[], b: readonly string[], maxD = 4000): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v: Int32Array = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, maxD); d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) {
    return [...a.map((line, i) => ({ kind: '-' as const, line, a: i, b: 0 })), ...b.map((line, j) => ({ kind: '+' as const, line, a: n, b: j }))];
  }
  // Walk the trace back from (n, m).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', line: a[x]!, a: x, b: y });
    }
    if (x === prevX) {
      y--;
      ops.push({ kind: '+', line: b[y]!, a: x, b: y });
    } else {
      x--;
      ops.push({ kind: '-', line: a[x]!, a: x, b: y });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ops.push({ kind: ' ', line: a[x]!, a: x, b: y });
  }
  return ops.reverse();
}

/** difflib's range: "start,len", "start" when len is 1, "start-1,0" when empty. */
function range(start: number, len: number): string {
  if (len === 1) return `${start + 1}`;
  if (len === 0) return `${start},0`;
  return `${start + 1},${len}`;
}

/** A unified diff in the format of Python's difflib / go-difflib; "" when the inputs are equal. */
export function unifiedDiff(a: readonly string[], b: readonly string[], fromFile: string, toFile: string, context: number): string {
  const ops = editScript(a, b);
  const changed = ops.map((o, i) => (o.kind !== ' ' ? i : -1)).filter((i) => i >= 0);
  if (changed.length === 0) return '';
  // Group changes whose context windows touch into hunks.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const lo = Math.max(0, i - context);
    const hi = Math.min(ops.length - 1, i + context);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1] + 1) last[1] = hi;
    else hunks.push([lo, hi]);
  }
  let out = `--- ${fromFile}\n+++ ${toFile}\n`;
  for (const [lo, hi] of hunks) {
    const slice = ops.slice(lo, hi + 1);
    const aLen = slice.filter((o) => o.kind !== '+').length;
    const bLen = slice.filter((o) => o.kind !== '-').length;
    const first = slice[0]!;
    out += `@@ -${range(first.a, aLen)} +${range(first.b, bLen)} @@\n`;
    for (const o of slice) out += `${o.kind}${o.line}`;
  }
  return out;
}
