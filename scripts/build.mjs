#!/usr/bin/env node
// Builds the CLI into dist/cli/: CommonJS bundles of our code and its pure-JS dependencies, the
// Kubernetes library's KubeConfig included (main.cjs with every command, cmd-<name>.cjs with one;
// loaded with V8's code cache by loader.cjs).
// Start-up time is most of what a one-file `analyze` costs: loading ~140 small modules took
// longer than the work itself, and on Node 20 only a vm.Script can reuse compiled code.
// Type checking is `npm run typecheck` (part of `npm test`); esbuild only strips types.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { kubeLazy } from './build-kube.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Modules that are costly to load and rarely used by the code that imports them, loaded on first
 * use: the importer gets an object with one getter per export that requires the real module on
 * first access (esbuild keeps a bundled package uninitialised until then).
 * - commander requires child_process at start-up for executable subcommands (istio-ts has none);
 *   two analyzers use net.isIP. Loading child_process + net took ~17 ms of every start.
 * - yaml: evaluating the package (schemas, tags, node classes) cost ~2 ms of every start, and a
 *   plain-YAML analyze never calls it (src/resources/fast-yaml.ts parses that).
 * - chalk: only coloured output uses it (src/output/paint.ts).
 */
const src = (...p) => path.join(root, 'src', ...p);
const LAZY = [
  { spec: 'node:child_process', importedBy: (f) => f.includes(`${path.sep}node_modules${path.sep}commander${path.sep}`) },
  { spec: 'node:net', importedBy: (f) => f.startsWith(src('analyzers')) },
  { spec: 'yaml', importedBy: (f) => f.startsWith(src()) },
  { spec: 'chalk', importedBy: (f) => f === src('output', 'paint.ts') },
];
for (const l of LAZY) l.exports = Object.keys(await import(l.spec)).filter((k) => k !== 'default' && k !== '__esModule');
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    for (const l of LAZY) {
      const filter = new RegExp(`^${l.spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
      b.onResolve({ filter }, (a) => (a.namespace === 'file' && l.importedBy(a.importer) ? { path: l.spec, namespace: 'lazy' } : undefined));
    }
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({
      contents: `let m;\nconst load = () => (m ??= require(${JSON.stringify(a.path)}));\nfor (const k of ${JSON.stringify(LAZY.find((l) => l.spec === a.path).exports)}) Object.defineProperty(exports, k, { enumerable: true, get: () => load()[k] });\n`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};
const outdir = path.join(root, 'dist', 'cli');

/**
 * ajv stays a package (external), but its one runtime helper that the generated validators
 * require (ucs2length, src/schema/validator.ts) is bundled: resolving it in node_modules at run
 * time was ~1.4 ms of a one-file analyze.
 */
const ajvRuntime = {
  name: 'ajv-runtime',
  setup(b) {
    b.onResolve({ filter: /^ajv\/dist\/runtime\/ucs2length\.js$/ }, (a) => ({ path: createRequire(a.importer).resolve(a.path) }));
  },
};

/**
 * The Kubernetes client must be initialised lazily (esbuild's __esm wrapper, keyed by module path)
 * so that offline commands never evaluate it; a static import from a module on the start-up
 * path would make it eager. The build fails instead. `required`: main.cjs must contain it
 * (kubeConnect); a per-command bundle may not need it at all.
 */
function assertKubeLazy(name, bundle, required) {
  for (const m of ['src/kube/client.ts', 'node_modules/@kubernetes/client-node/dist/config.js']) {
    if (!required && !bundle.includes(m)) continue;
    if (!bundle.includes(`"${m}"(){`)) throw new Error(`dist/cli/${name}: ${m} is not lazily initialised (or not bundled); offline commands would evaluate the Kubernetes client`);
  }
}
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
// @kubernetes/client-node: only its KubeConfig (kubeconfig loading and auth) is used, by the thin
// client in src/kube/. Its config.js imports the generated index (every model and API, ~800
// modules) for two helpers; pointing that import at the two files defining them keeps the
// bundled client small. Its rarely used dependencies load on first use (scripts/build-kube.mjs).
const kubeGenShim = {
  name: 'kube-gen-shim',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (a) => {
      if (!a.importer.replaceAll('\\', '/').includes('/@kubernetes/client-node/dist/')) return undefined;
      return { path: path.join(path.dirname(a.importer), 'gen', 'index-kubeconfig.js'), namespace: 'kube-gen-shim' };
    });
    b.onLoad({ filter: /.*/, namespace: 'kube-gen-shim' }, (a) => ({
      contents: "export { createConfiguration } from './configuration.js'; export { ServerConfiguration } from './servers.js';",
      resolveDir: path.dirname(a.path),
    }));
  },
};

/**
 * The CLI is CommonJS bundles that dist/cli/loader.cjs compiles with V8's code cache
 * (scripts/bundle-loader.cjs): main.cjs has every command; cmd-<name>.cjs has one, and the loader
 * picks it when the argv names that command (most runs), so a run reads, deserialises and
 * evaluates only that command's code: ~3.4 ms of a one-file `analyze`. Help, completion and
 * unrecognised words load main.cjs. Each bundle is self-contained (one process loads one), so
 * classes are never duplicated within a process.
 * Modules reached only through import() stay unevaluated until then (esbuild wraps them), so a
 * command runs only its own top-level code: the Kubernetes client (src/kube/client.ts and
 * @kubernetes/client-node's KubeConfig) is one of them, initialised when a command first
 * connects, and offline commands never evaluate it. It used to be a separate ES module
 * (kube-client.js): importing it started Node's ESM loader and compiled ~240 KB without a code
 * cache, ~14 ms of every live command.
 */
// src/commands/index.ts: `import { analyzeCommand } from './analyze/index.js';`, one per command.
const registrySource = readFileSync(src('commands', 'index.ts'), 'utf8');
const declared = [...registrySource.matchAll(/^import \{ (\w+) \} from '\.\/([a-z-]+)\/index\.js';$/gm)].map((m) => ({ exportName: m[1], dir: m[2] }));
const listed = registrySource.slice(registrySource.indexOf('export const commands')).match(/\b\w+Command\b/g) ?? [];
if (declared.length === 0 || declared.length !== listed.length) throw new Error(`src/commands/index.ts: found ${declared.length} command imports for ${listed.length} listed commands; scripts/build.mjs reads one \`import { xCommand } from './x/index.js';\` line per command`);
const kubeConnect = `export async function kubeConnect(options) {
  return (await import('./src/kube/client.ts')).connect(options);
}
`;
const ENTRIES = {
  main: `export { main } from './src/main.ts';
export { processStreamCreated } from './src/cli/stdio.ts';
export { launcherIndex } from './src/cli/program.ts';
export { commands } from './src/commands/index.ts';
${kubeConnect}`,
};
for (const d of declared) {
  if (d.dir === 'completion') continue; // describes every command: main.cjs
  ENTRIES[`cmd-${d.dir}`] = `import { run } from './src/cli/run.ts';
import { ${d.exportName} as spec } from './src/commands/${d.dir}/index.ts';
export const main = (argv, io) => run([spec], argv, io);
export { processStreamCreated } from './src/cli/stdio.ts';
`;
}
const entries = {
  name: 'cli-entries',
  setup(b) {
    b.onResolve({ filter: /^cli-entry:/ }, (a) => ({ path: a.path.slice('cli-entry:'.length), namespace: 'cli-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'cli-entry' }, (a) => ({ contents: ENTRIES[a.path], resolveDir: root, loader: 'ts' }));
  },
};
await build({
  entryPoints: Object.fromEntries(Object.keys(ENTRIES).map((n) => [n, `cli-entry:${n}`])),
  outdir,
  outExtension: { '.js': '.cjs' },
  plugins: [entries, ajvRuntime, kubeGenShim, kubeLazy, lazyModules],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Loaded on demand with createRequire or import(): keep them as packages, not in the bundle.
  external: ['ajv', 'ajv/*'],
  // The bundle runs inside the loader's function wrapper, which passes these in.
  define: { 'import.meta.url': '__istioTsUrl', __ISTIO_TS_VERSION__: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
  sourcemap: false,
  legalComments: 'none',
  // Whitespace and syntax only (names stay, so errors and `--help` read the same): reading and
  // hashing a third less source is ~2 ms of every start.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
{
  const { createHash } = await import('node:crypto');
  const { writeFileSync } = await import('node:fs');
  const hashes = {};
  for (const name of Object.keys(ENTRIES)) {
    const file = path.join(outdir, `${name}.cjs`);
    const bytes = readFileSync(file);
    hashes[name] = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    // The Kubernetes client stays lazy: no top-level code of a bundle may evaluate it.
    assertKubeLazy(`${name}.cjs`, bytes.toString('latin1'), name === 'main');
    // The loader reads a bundle as latin1 (a one-byte string, half the time of a UTF-8 decode);
    // that is only the same text while every byte is ASCII. esbuild escapes non-ASCII in strings,
    // not in regular expression literals: write those as \u escapes.
    const nonAscii = bytes.findIndex((c) => c > 0x7f);
    if (nonAscii >= 0) throw new Error(`dist/cli/${name}.cjs has a non-ASCII byte at offset ${nonAscii}: ${JSON.stringify(bytes.toString('latin1').slice(Math.max(0, nonAscii - 60), nonAscii + 20))}`);
  }
  const fill = (index) =>
    readFileSync(path.join(root, 'scripts', 'bundle-loader.cjs'), 'utf8')
      .replace("'__BUNDLE_HASHES__'", JSON.stringify(hashes))
      .replace("'__COMMAND_WORDS__'", JSON.stringify(index.words))
      .replace("'__VALUE_FLAGS__'", JSON.stringify(index.valueFlags));
  // The loader's tables come from the built program itself (a first loader knows only main.cjs).
  writeFileSync(path.join(outdir, 'loader.cjs'), fill({ words: {}, valueFlags: [] }));
  process.env.ISTIO_TS_NO_CODE_CACHE = '1';
  const main = createRequire(import.meta.url)(path.join(outdir, 'loader.cjs')).bundle([]);
  const index = main.launcherIndex(main.commands);
  for (const [word, command] of Object.entries(index.words)) {
    if (!hashes[`cmd-${command}`]) throw new Error(`command "${command}" (word "${word}") has no bundle: its directory under src/commands/ must be its name`);
  }
  writeFileSync(path.join(outdir, 'loader.cjs'), fill(index));
  // For ES-module callers (tests, scripts): the same loader instance, so one bundle.
  writeFileSync(path.join(outdir, 'main.js'), "// Generated by scripts/build.mjs: the CommonJS loader (loader.cjs) for ES-module callers.\nexport { bundle, main } from './loader.cjs';\n");
}
// The IstioOperator schema as precompiled ajv code (ajv's runtime compile took ~0.35 s of every
// `manifest generate` with a profile, -f or --set). src/install/schema.ts uses it when its schema
// hash matches and compiles the schema itself otherwise (tests run from src/).
{
  const { createHash } = await import('node:crypto');
  const { writeFileSync } = await import('node:fs');
  const { pathToFileURL } = await import('node:url');
  const tmp = path.join(outdir, `iop-schema-${process.pid}.mjs`);
  await build({ entryPoints: [path.join(root, 'src/install/schema.ts')], outfile: tmp, bundle: true, format: 'esm', platform: 'node', target: 'node20', external: ['ajv', 'ajv/*'], logLevel: 'warning' });
  try {
    const { ISTIO_OPERATOR_SCHEMA } = await import(pathToFileURL(tmp).href);
    const { Ajv } = await import('ajv');
    const standaloneCode = (await import('ajv/dist/standalone/index.js')).default.default;
    const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: false, code: { source: true } });
    const code = standaloneCode(ajv, ajv.compile(ISTIO_OPERATOR_SCHEMA));
    const hash = createHash('sha256').update(JSON.stringify(ISTIO_OPERATOR_SCHEMA)).digest('hex');
    writeFileSync(path.join(outdir, 'iop-validator.cjs'), `// Generated by scripts/build.mjs from ISTIO_OPERATOR_SCHEMA (src/install/schema.ts); do not edit.\n${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(hash)};\n`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

