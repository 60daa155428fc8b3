import { stringify } from 'yaml';
import type { RenderedObject } from '../../install/types.js';
import { emitYaml } from '../../util/yaml-emit.js';

/**
 * YAML documents in apply order, each followed by `---` like istioctl; keys sorted for stable diffs.
 * emitYaml writes the same bytes as yaml's stringify with these options, several times faster.
 */
export function renderYamlManifest(objects: readonly RenderedObject[]): string {
  return objects.map((o) => `${emitYaml(o.object) ?? stringify(o.object, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false })}---\n`).join('');
}

/** A kubectl-compatible v1 List, so `kubectl apply -f -` accepts it. */
export function renderJsonManifest(objects: readonly RenderedObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.map((o) => o.object) }, null, 2)}\n`;
}
