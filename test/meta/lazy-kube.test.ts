import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.join(import.meta.dirname, '../../src');

/** Static (top-level) imports of a module; dynamic import() is how the kube client must be loaded. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack: [string, string[]][] = [[entry, []]];
  while (stack.length) {
    const [file, chain] = stack.pop()!;
    if (seen.has(file)) continue;
    seen.set(file, chain);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
        stack.push([target, [...chain, path.relative(src, file)]]);
      } else {
        seen.set(`pkg:${spec}`, [...chain, path.relative(src, file)]);
      }
    }
  }
  return seen;
}

describe('start-up path', () => {
  it('never loads @kubernetes/client-node statically (offline commands must not pay for it)', () => {
    const graph = reachable(path.join(src, 'main.ts'));
    const offenders = [...graph.entries()].filter(([k]) => k.startsWith('pkg:@kubernetes/'));
    expect(offenders.map(([k, chain]) => `${k} via ${chain.join(' -> ')}`)).toEqual([]);
    expect(graph.size).toBeGreaterThan(10);
  });
});
