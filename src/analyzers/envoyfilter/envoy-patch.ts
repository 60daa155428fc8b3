import { defineAnalyzer } from '../../analysis/types.js';
import type { MessageName } from '../../messages/catalog.js';
import type { FieldPath } from '../../resources/types.js';
import { asArray, asRecord, asString, get, isPlainObject } from '../../util/objects.js';

/** Patch targets whose ADD/REMOVE istiod ignores: routes are merged, not added or removed. */
const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
/** The only targets REPLACE works on. */
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST']);

/**
 * The name a patch acts on: the patched value's `name`, else the filter named in the listener
 * match. Used to spot several EnvoyFilters fighting over one filter across proxy versions.
 */
function targetName(patch: Record<string, unknown>): string {
  const value = get(patch, 'patch', 'value');
  if (!isPlainObject(value)) return '';
  if (value.name !== undefined && value.name !== null) return asString(value.name);
  return asString(get(patch, 'match', 'listener', 'filterChain', 'filter', 'name'));
}

export default defineAnalyzer({
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  description: 'Checks an envoyFilters ',
  inputs: ['EnvoyFilter'],
  messages: [
    'EnvoyFilterUsesRelativeOperation',
    'EnvoyFilterUsesReplaceOperationIncorrectly',
    'EnvoyFilterUsesAddOperationIncorrectly',
    'EnvoyFilterUsesRemoveOperationIncorrectly',
    'EnvoyFilterUsesRelativeOperationWithProxyVersion',
  ],
  analyze(ctx) {
    // Target names of earlier patches (in any EnvoyFilter) that were pinned to a proxyVersion.
    const versioned = new Set<string>();
    for (const ef of ctx.snapshot.list('EnvoyFilter')) {
      const priority = Number(get(ef.object, 'spec', 'priority') ?? 0);
      // These messages carry no arguments, so one per EnvoyFilter and message says it all; it
      // points at the first patch concerned (upstream's output collapses the repeats too).
      const reported = new Set<MessageName>();
      const report = (message: Extract<MessageName, `EnvoyFilterUses${string}`>, path: FieldPath) => {
        if (reported.has(message)) return;
        reported.add(message);
        ctx.report({ resource: ef, message, path });
      };
      // Without a priority, relative operations depend on the order istiod applies EnvoyFilters
      // in (creation time), which changes when filters are re-created, e.g. on upgrades.
      const relative = (name: string, path: FieldPath) => {
        if (priority !== 0) return;
        report(versioned.has(name) ? 'EnvoyFilterUsesRelativeOperationWithProxyVersion' : 'EnvoyFilterUsesRelativeOperation', path);
      };
      const patches = asArray(get(ef.object, 'spec', 'configPatches'));
      for (let i = 0; i < patches.length; i++) {
        const cp = asRecord(patches[i]);
        // Upstream stops at the first entry without a patch.
        if (!isPlainObject(cp.patch)) break;
        const name = targetName(cp);
        const applyTo = asString(cp.applyTo);
        const path: FieldPath = ['spec', 'configPatches', i, 'patch', 'operation'];
        switch (asString(cp.patch.operation)) {
          case 'ADD':
            if (ROUTE_LEVEL.has(applyTo)) report('EnvoyFilterUsesAddOperationIncorrectly', path);
            break;
          case 'REMOVE':
            if (ROUTE_LEVEL.has(applyTo)) report('EnvoyFilterUsesRemoveOperationIncorrectly', path);
            else relative(name, path);
            break;
          case 'REPLACE':
            if (!REPLACEABLE.has(applyTo)) report('EnvoyFilterUsesReplaceOperationIncorrectly', path);
            else relative(name, path);
            break;
          case 'INSERT_BEFORE':
          case 'INSERT_AFTER':
            relative(name, path);
            break;
        }
        if (asString(get(cp, 'match', 'proxy', 'proxyVersion')) !== '') versioned.add(name);
      }
    }
  },
});
