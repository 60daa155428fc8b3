import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog, documentationUrl } from '../../src/messages/catalog.js';
import { goFormat } from '../../src/messages/format.js';

const root = path.join(import.meta.dirname, '../..');

describe('message catalog', () => {
  it('has unique codes and names', () => {
    const codes = catalog.all.map((m) => m.code);
    const names = catalog.all.map((m) => m.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('never reuses a retired upstream code', () => {
    for (const m of catalog.all) expect(catalog.retired).not.toContain(m.code);
  });

  it('keeps istio-ts findings in their own block, each with a documentation page', () => {
    for (const m of catalog.all.filter((m) => !m.code.startsWith('IST0'))) {
      expect(m.code).toMatch(/^ITS\d{4}$/);
      const page = path.join(root, 'docs/messages', `${m.code}.md`);
      expect(existsSync(page), `${page} is missing`).toBe(true);
      expect(readFileSync(page, 'utf8')).toContain(`# ${m.code} ${m.name}`);
      expect(documentationUrl(m)).toContain(`${m.code}.md`);
    }
  });

  it('has templates whose verbs match the declared arguments', () => {
    for (const m of catalog.all) {
      const verbs = (m.template.match(/%[svqd]/g) ?? []).length;
      expect(verbs, `${m.code} ${m.name}`).toBe(m.args.length);
    }
  });

  it('types %d arguments as integers and only them (upstream does too)', () => {
    for (const m of catalog.all) {
      const verbs = m.template.match(/%[svqd]/g) ?? [];
      verbs.forEach((verb, i) => {
        const type = m.args[i]!.type;
        expect(verb === '%d', `${m.code} ${m.name} argument ${m.args[i]!.name}: ${verb} with type ${type}`).toBe(type === 'int' || type === 'int32');
      });
    }
  });
});

describe('goFormat', () => {
  it.each([
    ['Referenced %s not found: %q', ['host', 'reviews'], 'Referenced host not found: "reviews"'],
    ['ports %v', [[80, 443]], 'ports [80 443]'],
    ['%q', [['a', 'b']], '["a" "b"]'],
    ['port %d', [8080], 'port 8080'],
    ['100%% %s', ['sure'], '100% sure'],
    ['%s and %s', ['one'], 'one and %!v(MISSING)'],
  ])('%s', (tpl, args, want) => {
    expect(goFormat(tpl, args)).toBe(want);
  });
});
