import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/rng.js';
import { Document, stringify, visit } from 'yaml';
import { generate } from '../../src/install/generate.js';
import { PROFILE_NAMES } from '../../src/install/profile-names.js';
import { emitYaml, type EmitStyle } from '../../src/util/yaml-emit.js';

const OPTS = { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false } as const;

/** emitYaml may decline; what it writes must be yaml's output byte for byte. */
function same(v: unknown): boolean {
  const fast = emitYaml(v);
  if (fast === undefined) return false;
  expect({ v, out: fast }).toEqual({ v, out: stringify(v, OPTS) });
  return true;
}

/** kube-inject's printing (src/inject/inject.ts toYaml): go-yaml-like quoting through yaml's options and a visitor. */
const goLike = (s: string) => /^(|~|null|true|false|[0-9]+)$/.test(s);
const INJECT: EmitStyle = { indentSeq: false, singleQuote: true, doubleQuoted: goLike };
function injectYaml(v: unknown): string {
  const doc = new Document(v, { sortMapEntries: true, aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_k, node) {
      if (typeof node.value === 'string' && goLike(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: false, singleQuote: true });
}
/** The templates' toYaml: yaml.stringify with its default aliasDuplicateObjects. */
const TEMPLATE: EmitStyle = { declineShared: true };
const templateYaml = (v: unknown) => stringify(v, { lineWidth: 0, sortMapEntries: true });

function sameIn(style: EmitStyle, reference: (v: unknown) => string, v: unknown): boolean {
  const fast = emitYaml(v, style);
  if (fast === undefined) return false;
  expect({ v, out: fast }).toEqual({ v, out: reference(v) });
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
    sameIn(INJECT, injectYaml, v);
    sameIn(TEMPLATE, templateYaml, v);
  });

  it('declines an object met twice where yaml would write an alias (templates)', () => {
    const shared = { a: 1 };
    expect(emitYaml({ x: shared, y: shared }, TEMPLATE)).toBeUndefined();
    expect(emitYaml({ x: [shared], y: [[shared]] }, TEMPLATE)).toBeUndefined();
    expect(emitYaml({ x: { a: 1 }, y: { a: 1 } }, TEMPLATE)).toBe(templateYaml({ x: { a: 1 }, y: { a: 1 } }));
  });

  it('writes kube-inject style: dashes at the key, single quotes preferred, forced double quotes', () => {
    const v = { a: ['x', { b: ['y'] }], c: ["a: it's", 'a: say "hi"', `a: both ' and "`, '*', '80', 'true', ''], '443': 'k' };
    const out = `"443": k\na:\n- x\n- b:\n  - y\nc:\n- "a: it's"\n- 'a: say "hi"'\n- 'a: both '' and "'\n- '*'\n- "80"\n- "true"\n- ""\n`;
    expect(emitYaml(v, INJECT)).toBe(out);
    expect(injectYaml(v)).toBe(out);
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
    const r = rng(Number(process.env.FUZZ_SEED ?? 7));
    const atoms = ['a', ' ', '\n', ':', '#', '-', '"', "'", '\t', 'x', '1', '.', '|', '>', '?', ',', '[', '}', '~', 'e', '0', 'true', 'null', '---', '%', '\\', 'é'];
    const str = () => Array.from({ length: Math.floor(r() * 6) }, () => atoms[Math.floor(r() * atoms.length)]).join('');
    const val = (d: number): unknown => {
      const p = r();
      if (d > 3 || p < 0.5) return [str(), str(), 1.5, -3, null, false][Math.floor(r() * 6)];
      if (p < 0.75) return Array.from({ length: Math.floor(r() * 4) }, () => val(d + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [str(), val(d + 1)]));
    };
    let fast = 0;
    let inject = 0;
    let template = 0;
    for (let i = 0; i < 5000; i++) {
      const v = { k: val(0), [str()]: val(1) };
      if (same(v)) fast++;
      if (sameIn(INJECT, injectYaml, v)) inject++;
      if (sameIn(TEMPLATE, templateYaml, v)) template++;
    }
    expect(fast).toBeGreaterThan(1000);
    expect(inject).toBeGreaterThan(1000);
    expect(template).toBeGreaterThan(1000);
  });
});
