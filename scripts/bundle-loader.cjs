// dist/cli/loader.cjs: loads a CLI bundle with V8's code cache: dist/cli/cmd-<name>.cjs when the
// argv names a command (it holds that command only), else dist/cli/main.cjs (every command: help,
// completion, unknown words).
// Copied by scripts/build.mjs, which fills in the bundles' hashes and the command words; do not
// edit the copy.
// CommonJS, like bin/istio-ts.js: a start that loads no ES module skips initialising Node's ESM
// loader (~8 ms of a one-file analyze on Node 20). dist/cli/main.js re-exports it for ESM callers.
//
// Node 20 caches no compiled code between runs (module.enableCompileCache is Node >= 22.1), and
// compiling the ~1.6 MB bundle plus the functions a command calls was ~40 ms of every start. A
// vm.Script takes V8's cached data: each command keeps its own cache in ~/.cache/istio-ts
// (owner-only, keyed by bundle hash, command and Node version), written after the first run of that
// command so that it holds the functions the command compiled. V8 rejects a cache that does not
// match the source, V8 version or flags; the bundle then compiles as usual and the cache is
// rewritten. An unwritable or foreign cache directory only means no cache.
// ISTIO_TS_NO_CODE_CACHE=1 turns it off.
'use strict';
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

/** Bundle name ('main', 'cmd-analyze', …) → the first 16 hex digits of its sha256. */
const BUNDLE_HASHES = '__BUNDLE_HASHES__';
/** Each word that names a command (names and aliases) → the command (launcherIndex in src/cli/program.ts). */
const COMMAND_WORDS = '__COMMAND_WORDS__';
/** The program's options that take a value: the word after one is its value, not a command. */
const VALUE_FLAGS = '__VALUE_FLAGS__';
let loaded;

/**
 * The bundle for an argv: the one of the command it names, found as namedCommand
 * (src/cli/program.ts) finds it, so that both agree (test/cli/launcher.test.ts): the first word
 * that is neither an option nor a value of the program's options; a help flag or `--` before it
 * means main.cjs.
 */
function bundleName(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || a === '--help' || a === '-h') return 'main';
    if (a.startsWith('-')) {
      if (!a.includes('=') && VALUE_FLAGS.includes(a)) i++;
      continue;
    }
    const command = Object.hasOwn(COMMAND_WORDS, a) ? COMMAND_WORDS[a] : undefined;
    return command && Object.hasOwn(BUNDLE_HASHES, `cmd-${command}`) ? `cmd-${command}` : 'main';
  }
  return 'main';
}

/** The exports (main, processStreamCreated; main.cjs also kubeConnect) of the argv's bundle, loaded once; `argv` picks the bundle and its code cache. */
function bundle(argv = process.argv.slice(2)) {
  if (loaded) return loaded;
  loaded = load(bundleName(argv), argv);
  return loaded;
}

/** Loads one bundle by name: exported for tests that compare the per-command bundles with main.cjs. */
function load(name, argv) {
  const file = path.join(__dirname, `${name}.cjs`);
  // ASCII only (scripts/build.mjs checks): latin1 makes a one-byte string without a UTF-8 decode.
  const source = readFileSync(file, 'latin1');
  // A command's bundle keeps one cache under the command's name, whatever word or alias named it
  // and whatever options came first; main.cjs one per first word (help, completion…).
  const cacheFile = cachePath(name.startsWith('cmd-') ? name.slice('cmd-'.length) : firstWord(argv), BUNDLE_HASHES[name]);
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __istioTsUrl, __istioTsImport) {${source}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = { exports: {} };
  const url = pathToFileURL(file).href;
  script.runInThisContext()(mod.exports, require, mod, file, __dirname, url, (spec) => import(new URL(spec, url).href));
  if (cacheFile && (!cachedData || script.cachedDataRejected)) mod.exports.saveCodeCache = () => saveCache(script, cacheFile);
  return mod.exports;
}

async function main(argv, io) {
  const b = bundle(argv);
  const code = await b.main(argv, io);
  b.saveCodeCache?.();
  b.saveCodeCache = undefined;
  return code;
}

function firstWord(argv) {
  const word = argv.find((a) => !a.startsWith('-'));
  return word && /^[a-z][a-z-]{0,30}$/.test(word) ? word : '-';
}

function cachePath(key, hash) {
  if (process.env.ISTIO_TS_NO_CODE_CACHE) return undefined;
  try {
    // $HOME first, as os.homedir() itself does: node:os is not loaded for it.
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(process.env.HOME || require('node:os').homedir(), '.cache'), 'istio-ts', `v8-${process.version}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    // Only a directory of our own that nobody else can write to: code cache is code.
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return path.join(dir, `main-${hash}-${key}.v8`);
  } catch {
    return undefined;
  }
}

function saveCache(script, cacheFile) {
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, cacheFile);
    // Caches of other builds: another install may still use them (two projects, a global and a
    // local istio-ts), so only those not written for a week go; deleting every other build's
    // cache made two installs recompile each other's away on every run.
    const dir = path.dirname(cacheFile);
    const stale = Date.now() - 7 * 24 * 3600 * 1000;
    const ours = new Set(Object.values(BUNDLE_HASHES));
    for (const f of readdirSync(dir)) {
      if (!f.startsWith('main-') || !f.endsWith('.v8') || ours.has(f.slice('main-'.length, 'main-'.length + 16))) continue;
      const other = path.join(dir, f);
      if (statSync(other).mtimeMs < stale) rmSync(other, { force: true });
    }
  } catch {
    // A read-only or full cache directory: the next run compiles again.
  }
}

exports.bundle = bundle;
exports.bundleName = bundleName;
exports.load = load;
exports.main = main;
