#!/usr/bin/env node
import module from 'node:module';
// Node >= 22.1 keeps compiled modules on disk between runs (NODE_DISABLE_COMPILE_CACHE=1 turns
// it off); on older Node the call does not exist. dist/cli/main.js loads the CLI bundle with
// V8's code cache on every Node version (scripts/bundle-loader.js).
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
