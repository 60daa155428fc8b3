#!/usr/bin/env node
// Builds the CLI into dist/cli/: one CommonJS bundle of our code and its pure-JS dependencies
// (main.cjs, loaded with V8's code cache by loader.cjs), and the Kubernetes library (kube-client.js).
// Start-up time is most of what a one-file `analyze` costs: loading ~140 small modules took
// longer than the work itself, and on Node 20 only a vm.Script can reuse compiled code.
// Type checking is `npm run typecheck` (part of `npm test`); esbuild only strips types.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { kubeLazy } from './build-kube.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Modules that are costly to load and rarely used on the paths that load them, made lazy:
 * commander requires child_process at start-up for executable subcommands (istio-ts has none),
 * two analyzers use net.isIP (loading child_process + net took ~17 ms of every start), and chalk
 * is needed only for coloured output.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const commander = `${path.sep}node_modules${path.sep}commander${path.sep}`;
    b.onResolve({ filter: /^node:child_process$/ }, (a) => (a.importer.includes(commander) ? { path: 'child_process', namespace: 'lazy-cjs' } : undefined));
    b.onResolve({ filter: /^node:net$/ }, (a) => (a.importer.startsWith(path.join(root, 'src', 'analyzers')) ? { path: 'net', namespace: 'lazy-net' } : undefined));
    // chalk: only coloured output uses it (src/output/paint.ts); `new Chalk()` loads it then.
    b.onResolve({ filter: /^chalk$/ }, (a) => (a.importer === path.join(root, 'src', 'output', 'paint.ts') ? { path: 'chalk', namespace: 'lazy-chalk' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-chalk' }, () => ({
      contents: `let m;\nexport function Chalk(options) {\n  return new (m ??= require('chalk')).Chalk(options);\n}\n`,
      resolveDir: root,
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-cjs' }, (a) => ({
      contents: `let m;\nmodule.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:${a.path}'))[k] });\n`,
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-net' }, () => ({
      contents: `import { createRequire } from 'node:module';\nconst req = createRequire(import.meta.url);\nlet m;\nexport function isIP(s) {\n  return (m ??= req('node:net')).isIP(s);\n}\n`,
      loader: 'js',
    }));
  },
};
const outdir = path.join(root, 'dist', 'cli');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
// @kubernetes/client-node: only its KubeConfig (kubeconfig loading and auth) is used, by the thin
// client in src/kube/. Its config.js imports the generated index (every model and API, ~800
// modules) for two helpers; pointing that import at the two files defining them keeps the
// bundled client small.
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
 * The CLI is one CommonJS bundle, dist/cli/main.cjs, that dist/cli/loader.cjs (scripts/bundle-loader.cjs)
 * compiles with V8's code cache; modules reached only through import() stay unevaluated until
 * then (esbuild wraps them), so a command runs only its own top-level code. The Kubernetes
 * library is not in it: dist/cli/kube-client.js (ESM) holds KubeConfig, imported through the
 * loader when a command first connects, which then initialises src/kube/client.ts inside the
 * bundle. kube-client.js also exports connect() for code that imports it directly.
 */
const KUBE_ENTRY = 'kube-entry';
const kubeBoundary = {
  name: 'kube-boundary',
  setup(b) {
    const client = path.join(root, 'src', 'kube', 'client.ts');
    b.onResolve({ filter: /^kube-entry$|\/kube\/client\.js$/ }, (a) => (a.namespace === 'file' ? { path: KUBE_ENTRY, namespace: 'istio-ts' } : undefined));
    b.onResolve({ filter: /^kube-vendor$/ }, (a) => (a.namespace === 'istio-ts' ? { path: 'kube-vendor', namespace: 'istio-ts' } : undefined));
    b.onResolve({ filter: /^@kubernetes\/client-node(\/|$)/ }, (a) => {
      if (a.path !== '@kubernetes/client-node/dist/config.js') throw new Error(`${a.importer} imports ${a.path}: only @kubernetes/client-node/dist/config.js is bundled (scripts/build.mjs)`);
      return { path: 'kube-vendor', namespace: 'istio-ts' };
    });
    b.onLoad({ filter: /.*/, namespace: 'istio-ts' }, (a) => {
      if (a.path === KUBE_ENTRY) {
        return {
          contents: `import { loadKubeVendor } from 'kube-vendor';
export async function connect(options) {
  await loadKubeVendor();
  const m = await import(${JSON.stringify(client)});
  return m.connect(options);
}
`,
          resolveDir: root,
          loader: 'js',
        };
      }
      // kube-vendor: KubeConfig from dist/cli/kube-client.js, imported by connect() above before
      // src/kube/client.ts (its only user) is initialised.
      return {
        contents: `export let KubeConfig;
export async function loadKubeVendor() { KubeConfig ??= (await __istioTsImport('./kube-client.js')).KubeConfig; }
`,
          loader: 'js',
        };
      }
    );
  },
};
const main = await build({
  stdin: { contents: `export { main } from './src/main.ts';\nexport { connect as kubeConnect } from 'kube-entry';\n`, resolveDir: root, sourcefile: 'cli-bundle.js', loader: 'ts' },
  outfile: path.join(outdir, 'main.cjs'),
  plugins: [kubeBoundary, lazyBuiltins],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Loaded on demand with createRequire or import(): keep them as packages, not in the bundle.
  external: ['ajv', 'ajv/*'],
  // The bundle runs inside the loader's function wrapper, which passes these in.
  define: { 'import.meta.url': '__istioTsUrl' },
  sourcemap: false,
  legalComments: 'none',
  // Whitespace and syntax only (names stay, so errors and `--help` read the same): reading and
  // hashing a third less source is ~2 ms of every start.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
});
{
  const { createHash } = await import('node:crypto');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const hash = createHash('sha256').update(readFileSync(path.join(outdir, 'main.cjs'))).digest('hex').slice(0, 16);
  const loader = readFileSync(path.join(root, 'scripts', 'bundle-loader.cjs'), 'utf8').replace('__BUNDLE_HASH__', hash);
  writeFileSync(path.join(outdir, 'loader.cjs'), loader);
  // For ES-module callers (kube-client.js, tests): the same loader instance, so one bundle.
  writeFileSync(path.join(outdir, 'main.js'), "// Generated by scripts/build.mjs: the CommonJS loader (loader.cjs) for ES-module callers.\nexport { bundle, main } from './loader.cjs';\n");
  if (Object.keys(main.metafile.inputs).some((f) => f.includes('@kubernetes/client-node'))) throw new Error('dist/cli/main.cjs must not contain @kubernetes/client-node');
  // The loader reads the bundle as latin1 (a one-byte string, half the time of a UTF-8 decode);
  // that is only the same text while every byte is ASCII. esbuild escapes non-ASCII in strings,
  // not in regular expression literals: write those as \u escapes.
  const nonAscii = readFileSync(path.join(outdir, 'main.cjs')).findIndex((b) => b > 0x7f);
  if (nonAscii >= 0) throw new Error(`dist/cli/main.cjs has a non-ASCII byte at offset ${nonAscii}: ${JSON.stringify(readFileSync(path.join(outdir, 'main.cjs'), 'latin1').slice(Math.max(0, nonAscii - 60), nonAscii + 20))}`);
}
await build({
  stdin: {
    contents: `export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export async function connect(options) {
  const { bundle } = await import('./main.js');
  return bundle().kubeConnect(options);
}
`,
    resolveDir: root,
    sourcefile: 'kube-client.js',
  },
  outdir,
  entryNames: 'kube-client',
  plugins: [kubeGenShim, kubeLazy],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['./main.js'],
  banner: { js: "import { createRequire as __istioTsRequire } from 'node:module'; const require = __istioTsRequire(import.meta.url);" },
  chunkNames: 'kube-[name]-[hash]',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

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

