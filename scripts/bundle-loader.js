// dist/cli/main.js: loads the CLI bundle (dist/cli/main.cjs) with V8's code cache.
// Copied by scripts/build.mjs, which fills in the bundle's hash; do not edit the copy.
//
// Node 20 caches no compiled code between runs (module.enableCompileCache is Node >= 22.1), and
// compiling the ~1.6 MB bundle plus the functions a command calls was ~40 ms of every start. A
// vm.Script takes V8's cached data: each command keeps its own cache in ~/.cache/istio-ts
// (owner-only, keyed by bundle hash, command and Node version), written after the first run of that
// command so that it holds the functions the command compiled. V8 rejects a cache that does not
// match the source, V8 version or flags; the bundle then compiles as usual and the cache is
// rewritten. An unwritable or foreign cache directory only means no cache.
// ISTIO_TS_NO_CODE_CACHE=1 turns it off.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const BUNDLE_HASH = '__BUNDLE_HASH__';
const file = fileURLToPath(new URL('./main.cjs', import.meta.url));
let loaded;

/** The bundle's exports (main, kubeConnect), loaded once; `argv` picks the code cache. */
export function bundle(argv = process.argv.slice(2)) {
  if (loaded) return loaded;
  const source = readFileSync(file, 'utf8');
  const cacheFile = cachePath(argv);
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
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, path.dirname(file), pathToFileURL(file).href, (spec) => import(new URL(spec, import.meta.url).href));
  loaded = mod.exports;
  if (cacheFile && (!cachedData || script.cachedDataRejected)) loaded.saveCodeCache = () => saveCache(script, cacheFile);
  return loaded;
}

export async function main(argv, io) {
  const b = bundle(argv);
  const code = await b.main(argv, io);
  b.saveCodeCache?.();
  b.saveCodeCache = undefined;
  return code;
}

function cachePath(argv) {
  if (process.env.ISTIO_TS_NO_CODE_CACHE) return undefined;
  const command = argv.find((a) => !a.startsWith('-'));
  const key = command && /^[a-z][a-z-]{0,30}$/.test(command) ? command : '-';
  try {
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'istio-ts', `v8-${process.version}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    // Only a directory of our own that nobody else can write to: code cache is code.
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return path.join(dir, `main-${BUNDLE_HASH}-${key}.v8`);
  } catch {
    return undefined;
  }
}

function saveCache(script, cacheFile) {
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, cacheFile);
    // Caches of earlier builds are never read again.
    const dir = path.dirname(cacheFile);
    for (const f of readdirSync(dir)) if (f.startsWith('main-') && f.endsWith('.v8') && !f.startsWith(`main-${BUNDLE_HASH}-`)) rmSync(path.join(dir, f), { force: true });
  } catch {
    // A read-only or full cache directory: the next run compiles again.
  }
}
