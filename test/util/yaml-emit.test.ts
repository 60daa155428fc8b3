import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generate } from '../../src/install/generate.js';
import { PROFILE_NAMES } from '../../src/install/profile-names.js';
import { emitYaml } from '../../src/util/yaml-emit.js';

const OPTS = { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false } as const;

/** emitYaml may decline; what it writes must be yaml's output byte for byte. */
function same(v: unknown): boolean {
  const fast = emitYaml(v);
  if (fast === undefined) return false;
  expect({ v, out: fast }).toEqual({ v, out: stringify(v, OPTS) });
  return true;
}

describe('emitYaml', () => {
  it.each([
    [{ a: 1, b: 'x', c: null, d: true, e: -0, f: 1.5, g: 1e21, h: NaN, i: -Infinity }],
    [{ s: ['', ' ', 'a b', 'a: b', 'a #b', '#a', '- a', '-a', '?', ':', 'x:', "it's", 'say "hi"', `both ' and "`, '*', '&a', '!t', '|', '>', '%', '@', '`', 'true', 'True', 'null', '~', '1', '1.0', '0x1F', '0o7', '.inf', '1e3', '-', '.', 'a\tb', '\tb', 'é', '10.0.0.0/8', 'a,b', '[a]', '{a}'] }],
    [{ m: 'line1\nline2', n: 'line1\nline2\n', o: 'line1\n\n', p: '\nlead', q: '  indented\nx\n', r: 'x\n\n\ny', s: 'trail \n', t: 'a\n ' }],
    [{ nested: { a: [1, [2, 3], [], {}, { b: [{ c: 'd' }] }], e: {}, f: [] }, 'key with space': 1, '80': 'x', 'a:b': 1, 'a: b': 2, '#k': 3 }],
    [{ list: [{ name: 'a', value: 'multi\nline\n' }, { x: ['|literal'] }] }],
    [{ deep: { a: { b: { c: 'text\nmore\n' } } } }],
    [{ '---': 1, doc: '--- x', d2: 'a\n---\nb' }],
    [{ ctl: 'bell\u0007' }],
  ])('writes what yaml writes for %j', (v) => {
    same(v);
  });

  it('writes every object of every profile exactly as yaml does, and takes nearly all of them', async () => {
    let fast = 0;
    let total = 0;
    for (const profile of PROFILE_NAMES.filter((p) => ['default', 'demo', 'ambient', 'remote', 'openshift'].includes(p))) {
      const { objects } = await generate({ files: [], sets: [`profile=${profile}`], cwd: process.cwd(), readStdin: async () => '' });
      for (const o of objects) {
        total++;
        if (same(o.object)) fast++;
      }
    }
    expect(total).toBeGreaterThan(150);
    expect(fast / total).toBeGreaterThan(0.95);
  }, 60_000);

  it('agrees with yaml on 5,000 random documents', () => {
    let a = Number(process.env.FUZZ_SEED ?? 7) >>> 0;
    const r = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const atoms = ['a', ' ', '\n', ':', '#', '-', '"', "'", '\t', 'x', '1', '.', '|', '>', '?', ',', '[', '}', '~', 'e', '0', 'true', 'null', '---', '%', '\\', 'é'];
    const str = () => Array.from({ length: Math.floor(r() * 6) }, () => atoms[Math.floor(r() * atoms.length)]).join('');
    const val = (d: number): unknown => {
      const p = r();
      if (d > 3 || p < 0.5) return [str(), str(), 1.5, -3, null, false][Math.floor(r() * 6)];
      if (p < 0.75) return Array.from({ length: Math.floor(r() * 4) }, () => val(d + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [str(), val(d + 1)]));
    };
    let fast = 0;
    for (let i = 0; i < 5000; i++) if (same({ k: val(0), [str()]: val(1) })) fast++;
    expect(fast).toBeGreaterThan(1000);
  });
});
