import type { Snapshot } from '../../analysis/snapshot.js';
import { defineAnalyzer } from '../../analysis/types.js';
import type { Labels, Resource } from '../../resources/types.js';
import { asArray, asRecord, asString, asStringMap, get } from '../../util/objects.js';
import { matchesLabels, selectorString } from '../util/selector.js';
import { fullName, selectorLabelPath } from '../util/workload.js';

interface Server {
  port: string;
  hosts: string[];
  bind: string;
}

/** A gateway's servers keyed the way upstream groups them: "<selector>~<port number>". */
type ServersByKey = Map<string, Map<string, Server[]>>;

function serversOf(gw: Resource): Server[] {
  return asArray(get(gw.object, 'spec', 'servers')).map((s) => {
    const server = asRecord(s);
    // A server without a port groups under port 0, as upstream's zero value does.
    const number = asRecord(server.port).number;
    return { port: String(number ?? 0), hosts: asArray(server.hosts).map(asString), bind: asString(server.bind) };
  });
}

function index(gateways: readonly Resource[]): ServersByKey {
  const out: ServersByKey = new Map();
  for (const gw of gateways) {
    const sel = selectorString(asStringMap(get(gw.object, 'spec', 'selector')));
    for (const server of serversOf(gw)) {
      const key = `${sel}~${server.port}`;
      let byGw = out.get(key);
      if (!byGw) out.set(key, (byGw = new Map()));
      const list = byGw.get(fullName(gw)) ?? [];
      list.push(server);
      byGw.set(fullName(gw), list);
    }
  }
  return out;
}

/** "a=b,c=d" back into a map, as upstream's parseSelectorFromString does. */
function parseSelector(s: string): Labels {
  const out: Labels = {};
  for (const pair of s.split(',')) {
    const kv = pair.split('=');
    if (kv.length === 2) out[kv[0]!] = kv[1]!;
  }
  return out;
}

/**
 * Which selector groups a gateway shares its workload with: the same selector string, or (quirk
 * kept from upstream) selector strings where one contains the other *and* some pod matches both.
 */
function sharedKeys(snapshot: Snapshot, sel: string, selector: Labels, index: ServersByKey): string[] {
  const out: string[] = [];
  for (const key of index.keys()) {
    const other = key.slice(0, key.lastIndexOf('~'));
    if (other === sel) {
      out.push(key);
      continue;
    }
    if (!other.includes(sel) && !sel.includes(other)) continue;
    const otherSelector = parseSelector(other);
    if (snapshot.list('Pod').some((p) => matchesLabels(selector, p.labels) && matchesLabels(otherSelector, p.labels))) out.push(key);
  }
  return out;
}

/**
 * pilot model.CheckDuplicates: two servers on the same port clash when they list the very same
 * host with the same bind address (hosts are compared as written, wildcards included).
 */
function clashes(server: Server, others: readonly Server[]): boolean {
  return others.some((o) => o.bind === server.bind && server.hosts.some((h) => o.hosts.includes(h)));
}

export default defineAnalyzer({
  name: 'gateway.ConflictingGatewayAnalyzer',
  description: "Checks a gateway's selector, port number and hosts",
  inputs: ['Gateway'],
  optionalInputs: ['Pod'],
  messages: ['ReferencedResourceNotFound', 'ConflictingGateways'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const gateways = snapshot.list('Gateway');
    const byKey = index(gateways);
    for (const gw of gateways) {
      const me = fullName(gw);
      const selector = asStringMap(get(gw.object, 'spec', 'selector'));
      const sel = selectorString(selector);
      const keys = sharedKeys(snapshot, sel, selector, byKey);
      // Only a gateway with a selector and no servers at all ends up here.
      if (sel !== '' && keys.length === 0) {
        ctx.report({
          resource: gw,
          message: 'ReferencedResourceNotFound',
          args: ['selector', sel],
          path: selectorLabelPath(['spec', 'selector'], selector),
        });
        continue;
      }
      serversOf(gw).forEach((server, i) => {
        const conflicting = new Set<string>();
        for (const key of keys) {
          if (key.slice(key.lastIndexOf('~') + 1) !== server.port) continue;
          for (const [name, servers] of byKey.get(key) ?? []) {
            if (name !== me && clashes(server, servers)) conflicting.add(name);
          }
        }
        if (conflicting.size === 0) return;
        ctx.report({
          resource: gw,
          message: 'ConflictingGateways',
          args: [[...conflicting].sort().join(','), sel, server.port, server.hosts.join(',')],
          path: ['spec', 'servers', i],
        });
      });
    }
  },
});
