import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asRecord, asString } from '../../util/objects.js';
import { EXPORT_TO_ALL, exportScopes, fullNameString } from '../util/service-registry.js';

interface Entry {
  readonly protocol: string;
  readonly se: Resource;
}

interface Key {
  readonly scope: string;
  readonly host: string;
  readonly port: number;
}

const keyString = (k: Key) => `${k.scope}\u0000${k.host}\u0000${k.port}`;

export const conflictingServiceEntryProtocolAnalyzer = defineAnalyzer({
  name: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  description: 'Checks if multiple ServiceEntries define the same host and port with different protocols',
  inputs: ['ServiceEntry'],
  messages: ['ConflictingServiceEntryProtocol'],
  analyze(ctx) {
    const index = new Map<string, { key: Key; entries: Entry[] }>();
    for (const se of ctx.snapshot.list('ServiceEntry')) {
      const spec = asRecord(se.object.spec);
      for (const scope of exportScopes(asArray(spec.exportTo).map(String), se.namespace)) {
        for (const host of asArray(spec.hosts).map(String)) {
          for (const p of asArray(spec.ports)) {
            const key: Key = { scope, host, port: Number(asRecord(p).number ?? 0) };
            const slot = index.get(keyString(key)) ?? { key, entries: [] };
            slot.entries.push({ protocol: asString(asRecord(p).protocol), se });
            index.set(keyString(key), slot);
          }
        }
      }
    }
    const reported = new Set<Resource>();
    for (const { key, entries: own } of index.values()) {
      // Entries visible only in one namespace still meet those exported everywhere.
      const entries =
        key.scope === EXPORT_TO_ALL ? own : [...own, ...(index.get(keyString({ ...key, scope: EXPORT_TO_ALL }))?.entries ?? [])];
      // Protocol names are case-insensitive ("http" and "HTTP" agree).
      const protocols = [...new Set(entries.map((e) => e.protocol.toUpperCase()))].sort();
      if (protocols.length < 2) continue;
      const names = [...new Set(entries.map((e) => fullNameString(e.se)))].sort().join(', ');
      for (const { se } of entries) {
        if (reported.has(se)) continue;
        reported.add(se);
        ctx.report({
          resource: se,
          message: 'ConflictingServiceEntryProtocol',
          args: [names, key.host, key.port, protocols.join(', ')],
          path: ['metadata', 'name'],
        });
      }
    }
  },
});
