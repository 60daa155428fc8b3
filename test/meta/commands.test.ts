import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isModule, type CommandSpec, type LeafSpec } from '../../src/cli/command.js';
import type { FlagTable } from '../../src/cli/flags.js';
import { buildProgram } from '../../src/cli/program.js';
import { commands } from '../../src/commands/index.js';

const root = path.join(import.meta.dirname, '../..');
const src = path.join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports, statically or with import(), type-only included, resolved to a path under src/ or a package name. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...[...text.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  return specs.map((s) => (s.startsWith('.') ? path.relative(src, path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts')) : `pkg:${s}`));
}

const commandDirs = readdirSync(path.join(src, 'commands')).filter((d) => statSync(path.join(src, 'commands', d)).isDirectory());

/** Every command module and its name, as `istio-ts --help` lists them. */
function registered(): { name: string; entry: (typeof commands)[number] }[] {
  const { program } = buildProgram({ stdout: { write: () => true }, stderr: { write: () => true }, readStdin: async () => '', env: {}, cwd: root, isTTY: false, stdinIsTTY: false }, commands);
  return program.commands.map((c, i) => ({ name: c.name(), entry: commands[i]! }));
}

describe('commands', () => {
  it('no command imports another command (shared code lives in its domain, cli/ or output/)', () => {
    const offenders: string[] = [];
    for (const d of commandDirs) {
      for (const f of files(path.join(src, 'commands', d))) {
        for (const i of imports(f)) {
          const m = /^commands\/([^/]+)\//.exec(i);
          if (m && m[1] !== d) offenders.push(`${path.relative(src, f)} imports ${i}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('cli/ never imports commands/ (the registry is passed to buildProgram), and the layering rules hold', () => {
    const offenders: string[] = [];
    for (const f of files(path.join(src, 'cli'))) for (const i of imports(f)) if (i.startsWith('commands/')) offenders.push(`${path.relative(src, f)} imports ${i}`);
    for (const i of imports(path.join(src, 'cli/flags.ts'))) if (i.startsWith('schema/')) offenders.push(`cli/flags.ts imports ${i}`);
    for (const i of imports(path.join(src, 'resources/loader.ts'))) if (i.startsWith('cli/')) offenders.push(`resources/loader.ts imports ${i}`);
    expect(offenders).toEqual([]);
  });

  it('declarations (commands/<name>/index.ts) stay light: no yaml, analyzers, kube client, chalk or ora at start-up', () => {
    const heavy = /^(pkg:(yaml|chalk|ora|ajv|@kubernetes\/.*)|analyzers\/|kube\/client|resources\/|envoy\/|inject\/|install\/render)/;
    const offenders: string[] = [];
    for (const d of commandDirs) {
      const index = path.join(src, 'commands', d, 'index.ts');
      if (!existsSync(index)) continue;
      const text = readFileSync(index, 'utf8');
      // Only static imports load at start-up; import() inside `load` is the lazy implementation.
      for (const m of text.matchAll(/^\s*import\s+(?!type\b)[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        const target = spec.startsWith('.') ? path.relative(src, path.resolve(path.dirname(index), spec).replace(/\.js$/, '.ts')) : `pkg:${spec}`;
        if (heavy.test(target)) offenders.push(`commands/${d}/index.ts imports ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the registry is in help order as written in src/commands/index.ts (no run-time sort)', () => {
    const text = readFileSync(path.join(src, 'commands/index.ts'), 'utf8');
    expect(text).not.toMatch(/\.sort\(|\.toSorted\(/);
    const listed = [...text.slice(text.indexOf('export const commands')).matchAll(/^\s+(\w+Command),$/gm)].map((m) => m[1]!);
    const imported = [...text.matchAll(/^import \{ (\w+Command) \} from '\.\/([\w-]+)\/index\.js';$/gm)].map((m) => ({ name: m[1]!, dir: m[2]! }));
    // Each registered command comes from the folder of its name, and every folder is registered.
    expect(listed.map((n) => imported.find((i) => i.name === n)?.dir)).toEqual(registered().map((r) => r.name));
    expect([...commandDirs].sort()).toEqual(registered().map((r) => r.name).sort());
  });

  it('every registered command has a test under test/commands/<name>/ that runs it', () => {
    const missing: string[] = [];
    for (const { name } of registered()) {
      const dir = path.join(root, 'test/commands', name);
      const tests = existsSync(dir) ? files(dir).filter((f) => f.endsWith('.test.ts')) : [];
      // "Runs it": through the CLI (runCli/main with the command's name) or its implementation module.
      const runs = tests.some((f) => {
        const t = readFileSync(f, 'utf8');
        return new RegExp(`(runCli|main|run)\\(\\s*\\[\\s*'${name}'`).test(t) || new RegExp(`src/commands/${name}/(action|index)\\.js`).test(t);
      });
      if (!runs) missing.push(name);
    }
    expect(missing).toEqual([]);
  });

  it('each declared command has exactly one printer per declared format', async () => {
    const leaves: LeafSpec<FlagTable, string, unknown, unknown>[] = [];
    const walk = (s: CommandSpec): void => {
      if ('subcommands' in s) s.subcommands.forEach(walk);
      else leaves.push(s as LeafSpec<FlagTable, string, unknown, unknown>);
    };
    for (const e of commands) if (!isModule(e)) walk(e);
    expect(leaves.length).toBeGreaterThan(0);
    for (const leaf of leaves) {
      const impl = await leaf.load();
      expect(Object.keys(impl.printers).sort(), leaf.name).toEqual([...leaf.formats].sort());
      if (leaf.defaultFormat !== undefined) expect(leaf.formats).toContain(leaf.defaultFormat);
    }
  });
});
