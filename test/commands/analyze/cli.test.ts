import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const fx = (p: string) => path.join('fixtures/analyze', p);
const shop = fx('shop');

describe('istio-ts analyze (CLI)', () => {
  it.each(['log', 'json', 'yaml', 'sarif', 'junit', 'github'])('exits 79 on an error finding with -o %s', async (format) => {
    const r = await runCli(['analyze', '-A', '-R', '-o', format, shop]);
    expect(r.code).toBe(79);
    expect(r.stdout).toContain('IST0101');
  });

  it('prints istioctl-shaped JSON with file:line references', async () => {
    const r = await runCli(['analyze', '-A', '-R', '-o', 'json', shop]);
    const msgs = JSON.parse(r.stdout) as Record<string, string>[];
    const cart = msgs.find((m) => m.origin === 'VirtualService shop/cart');
    expect(cart).toEqual({
      code: 'IST0101',
      level: 'Error',
      message: 'Referenced host+subset in destinationrule not found: "cart+v2"',
      origin: 'VirtualService shop/cart',
      reference: `${path.join(shop, 'istio/routing.yaml')}:30`,
      documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/?ref=istio-ts',
    });
  });

  it('--failure-threshold None exits 0 while still printing; --output-threshold hides without changing the exit code', async () => {
    const none = await runCli(['analyze', '-A', '-R', '--failure-threshold', 'none', shop]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('Error [IST0101]');
    const hidden = await runCli(['analyze', '-A', '-R', '--output-threshold', 'None', '-o', 'json', shop]);
    expect(hidden.code).toBe(79);
    expect(JSON.parse(hidden.stdout)).toEqual([]);
  });

  it('reports a malformed file with file:line, analyzes the others, and exits 65', async () => {
    const r = await runCli(['analyze', '-A', '-o', 'json', '--failure-threshold', 'None', fx('broken/mixed.yaml'), fx('broken/not-an-object.yaml'), fx('shop/istio/routing.yaml')]);
    expect(r.code).toBe(65);
    const msgs = JSON.parse(r.stdout) as Record<string, string>[];
    expect(msgs.filter((m) => m.code === 'ITS0001').map((m) => m.reference)).toEqual([`${fx('broken/mixed.yaml')}:16`]);
    expect(msgs.filter((m) => m.code === 'ITS0002').map((m) => m.reference)).toEqual([`${fx('broken/not-an-object.yaml')}:1`, `${fx('broken/not-an-object.yaml')}:4`]);
    // routing.yaml was still analyzed: the missing subset is found.
    expect(msgs.some((m) => m.code === 'IST0101' && m.origin === 'VirtualService shop/cart')).toBe(true);
  });

  it('an error finding outranks a parse error (79), and --ignore-unknown drops 65', async () => {
    expect((await runCli(['analyze', '-A', '-R', shop, fx('broken')])).code).toBe(79);
    expect((await runCli(['analyze', '-A', '--ignore-unknown', fx('broken/not-an-object.yaml')])).code).toBe(0);
  });

  it('reads stdin for "-"', async () => {
    const text = readFileSync(path.join(shop, 'istio/checkout.yaml'), 'utf8');
    const r = await runCli(['analyze', '-A', '-o', 'github', '-'], { stdin: text });
    expect(r.code).toBe(79);
    // stdin has no file GitHub could annotate: the line is kept, no file= property.
    expect(r.stdout).toMatch(/^::error line=\d+,title=IST0101 /m);
    expect(r.stdout).not.toContain('file=');
  });

  it('exits 66 for a missing file and still analyzes the rest', async () => {
    const r = await runCli(['analyze', '-A', '-o', 'json', '--failure-threshold', 'None', 'no/such/file.yaml', path.join(shop, 'istio/checkout.yaml')]);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain('no/such/file.yaml: no such file or directory');
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(0);
  });

  it.each(['log', 'json', 'yaml', 'sarif', 'junit', 'github'])('names a missing file in the -o %s document itself (ITS0021), exit 66', async (format) => {
    const r = await runCli(['analyze', '-A', '-o', format, '--failure-threshold', 'None', 'no/such/file.yaml', path.join(shop, 'istio/checkout.yaml')]);
    expect(r.code).toBe(66);
    expect(r.stdout).toContain('ITS0021');
    expect(r.stdout).toContain('no/such/file.yaml');
  });

  it('an error finding outranks a missing file (79 > 66): the order is documented in the README', async () => {
    const r = await runCli(['analyze', '-A', '-o', 'json', 'no/such/file.yaml', path.join(shop, 'istio/checkout.yaml')]);
    expect(r.code).toBe(79);
    expect((JSON.parse(r.stdout) as { code: string }[]).some((m) => m.code === 'ITS0021')).toBe(true);
  });

  it('reports invalid UTF-8 and UTF-16 on stdin as it does in a file (exit 65), not garbage', async () => {
    const bad = await runCli(['analyze', '-A', '-o', 'json', '-'], { stdinBytes: Buffer.concat([Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]) });
    expect(bad.code).toBe(65);
    expect((JSON.parse(bad.stdout) as { code: string; message: string; reference: string }[])[0]).toMatchObject({ code: 'ITS0001', reference: '-:4' });
    const utf16 = await runCli(['analyze', '-A', '-o', 'json', '-'], { stdinBytes: Buffer.from('\uFEFFapiVersion: v1\n', 'utf16le') });
    expect(utf16.code).toBe(65);
    expect(utf16.stdout).toContain('UTF-16');
  });

  it('says what is wrong with a numeric name and reads a document after a mid-stream byte order mark', async () => {
    const num = await runCli(['analyze', '-A', '-o', 'json', '-'], { stdin: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: 123\n' });
    expect(num.code).toBe(65);
    expect((JSON.parse(num.stdout) as { message: string }[])[0]!.message).toBe('Not a valid Kubernetes object: metadata.name must be a string, not the number 123 (quote it: "123")');
    const bom = await runCli(['analyze', '-A', '-o', 'json', '-'], { stdin: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n\uFEFFapiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n' });
    expect(bom.code).toBe(0);
    expect((JSON.parse(bom.stdout) as { origin: string }[]).map((m) => m.origin).sort()).toEqual(['Namespace a', 'Namespace b']);
  });

  it('without -A, reports only the selected namespace and says what it hid', async () => {
    const r = await runCli(['analyze', '-R', shop]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/finding\(s\) in namespaces other than "default" were not reported; use -A/);
    const scoped = await runCli(['analyze', '-R', '-n', 'shop', shop]);
    expect(scoped.code).toBe(79);
  });

  it('suppresses by -S with globs, by the name.namespace form of istioctl help, and by annotation', async () => {
    const all = await runCli(['analyze', '-A', '-R', '-S', 'IST0101=VirtualService shop/*', '-S', 'IST0132=*', shop]);
    expect(all.code).toBe(0);
    const alt = await runCli(['analyze', '-A', '-R', '-o', 'json', '-S', 'IST0101=VirtualService cart.shop', shop]);
    expect(JSON.parse(alt.stdout).some((m: { origin: string; code: string }) => m.code === 'IST0101' && m.origin === 'VirtualService shop/cart')).toBe(false);
    const annotated = readFileSync(path.join(shop, 'istio/checkout.yaml'), 'utf8').replace(
      'namespace: shop\n',
      'namespace: shop\n  annotations:\n    galley.istio.io/analyze-suppress: "IST0101,IST0132"\n',
    );
    const r = await runCli(['analyze', '-A', '-o', 'json', '-'], { stdin: annotated });
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('warns about an unknown code in -S, as istioctl does', async () => {
    const r = await runCli(['analyze', '-A', '-S', 'IST9999=Pod x', fx('shop/base/namespace.yaml')]);
    expect(r.stderr).toContain("Supplied message code 'IST9999' is an unknown message code");
  });

  it.each([
    [['analyze', '-o', 'xml', 'x.yaml'], /invalid output format "xml"/],
    [['analyze', '--failure-threshold', 'fatal', 'x.yaml'], /invalid level "fatal"/],
    [['analyze', '--analyzer', 'nope.Analyzer', 'x.yaml'], /unknown analyzer "nope.Analyzer"/],
    [['analyze', '-S', 'IST0101', 'x.yaml'], /expected <code>=<resource>/],
    [['analyze', '--bogus'], /unknown option '--bogus'/],
    [['nonsense'], /unknown command 'nonsense'/],
  ])('exits 64 on usage errors: %j', async (args, msg) => {
    const r = await runCli(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--analyzer runs only the named analyzer; -v says what ran and what was skipped', async () => {
    const r = await runCli(['analyze', '-A', '-R', '-v', '-o', 'json', '--analyzer', 'virtualservice.DestinationRuleAnalyzer', shop]);
    expect(JSON.parse(r.stdout).map((m: { code: string; origin: string }) => `${m.code} ${m.origin}`)).toEqual(['IST0101 VirtualService shop/cart']);
    expect(r.stderr).toContain('Executed analyzers:\n    virtualservice.DestinationRuleAnalyzer\n');
  });

  it('lists analyzers with descriptions', async () => {
    const r = await runCli(['analyze', '--list-analyzers']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\* virtualservice\.GatewayAnalyzer:\n {4}\S/m);
  });

  it('-L -o json / -o yaml: the list as data', async () => {
    const j = await runCli(['analyze', '-L', '-o', 'json']);
    expect(j.code).toBe(0);
    const list = JSON.parse(j.stdout) as { name: string; description: string }[];
    expect(list.find((a) => a.name === 'virtualservice.GatewayAnalyzer')?.description).toMatch(/\S/);
    expect(list.every((a) => Object.keys(a).join() === 'name,description')).toBe(true);
    const y = await runCli(['analyze', '-L', '-o', 'yaml']);
    expect(y.stdout).toMatch(/^- name: virtualservice\.GatewayAnalyzer\n {2}description: \S/m);
  });
});

describe('istio-ts (program)', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
  it('prints completion scripts', async () => {
    for (const sh of ['bash', 'zsh', 'fish']) {
      const r = await runCli(['completion', sh]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('analyze');
    }
    expect((await runCli(['completion', 'tcsh'])).code).toBe(64);
  });
});

describe('directories and the success line, as istioctl', () => {
  const vs = (name: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}, namespace: default}\nspec: {hosts: [${name}], http: [{route: [{destination: {host: ${name}}}]}]}\n`;
  const tree = mkdtempSync(path.join(tmpdir(), 'istio-ts-analyze-tree-'));
  mkdirSync(path.join(tree, 'sub', 'deeper'), { recursive: true });
  writeFileSync(path.join(tree, 'a.yaml'), vs('a'));
  writeFileSync(path.join(tree, 'c.yaml'), vs('c'));
  writeFileSync(path.join(tree, 'sub', 'deeper', 'b.yaml'), vs('b').replace('hosts: [b]', 'hosts: [a]'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('a directory is read recursively without -R (istioctl removed the flag): a conflict two levels down is found', async () => {
    for (const args of [[tree], ['-R', tree]]) {
      const r = await runCli(['analyze', '--use-kube=false', ...args]);
      expect(r.code, args.join(' ')).toBe(79);
      expect(r.stdout).toContain(`(VirtualService default/b ${path.join(tree, 'sub', 'deeper', 'b.yaml')}:3)`);
    }
  });

  it('names the file analyzed, or lists the files, on success', async () => {
    const one = await runCli(['analyze', '--use-kube=false', path.join(tree, 'a.yaml')]);
    expect(one).toMatchObject({ code: 0, stderr: `✔ No validation issues found when analyzing ${path.join(tree, 'a.yaml')}.\n` });
    const two = await runCli(['analyze', '--use-kube=false', '-A', path.join(tree, 'c.yaml'), path.join(tree, 'sub')]);
    expect(two.code).toBe(0);
    expect(two.stderr).toBe(`✔ No validation issues found when analyzing:\n  - ${path.join(tree, 'c.yaml')}\n  - ${path.join(tree, 'sub', 'deeper', 'b.yaml')}\n`);
  });
});
