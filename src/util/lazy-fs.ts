/**
 * node:fs/promises, loaded on first use. Importing it up front loads fs/promises' own imports
 * (readline, fs streams, watchers: ~1.5 ms) on every start, including runs that read no file
 * asynchronously.
 */
export function fsp(): typeof import('node:fs/promises') {
  return process.getBuiltinModule('node:fs/promises');
}
