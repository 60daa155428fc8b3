/** Reading a rule override file (YAML or JSON): a list of {id, thresholds, minRequests, for}, or {rules: [...]}. */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { applyOverrides, CatalogError, type RuleSpec } from './catalog.js';

export function parseOverrides(base: readonly RuleSpec[], text: string, file: string): RuleSpec[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? 1;
    throw new CatalogError(`${file}:${line}: ${e.message.split('\n')[0]}`);
  }
  let list: unknown = doc.contents;
  if (isMap(list)) list = list.get('rules', true);
  if (!isSeq(list)) throw new CatalogError(`${file}:1: expected a list of rule overrides (or {rules: [...]}), e.g.\n- id: edge.server-app\n  thresholds: {degraded: 0.01, fail: 0.05}`);
  const entries = list.items.map((item) => {
    const line = item && typeof item === 'object' && 'range' in item && Array.isArray((item as { range?: number[] }).range) ? lc.linePos((item as { range: number[] }).range[0]!).line : 1;
    const js = (item && typeof item === 'object' && 'toJSON' in item ? (item as { toJSON(): unknown }).toJSON() : item) as Record<string, unknown> | null;
    if (!js || typeof js !== 'object' || Array.isArray(js)) throw new CatalogError(`${file}:${line}: each override is a map with an "id"`);
    for (const k of Object.keys(js)) if (!['id', 'thresholds', 'minRequests', 'for'].includes(k)) throw new CatalogError(`${file}:${line}: unknown key "${k}" (id, thresholds, minRequests, for)`);
    return { ...js, line };
  });
  return applyOverrides(base, entries, file);
}
