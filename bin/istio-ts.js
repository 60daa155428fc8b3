#!/usr/bin/env node
import module from 'node:module';
// Node >= 22.1 keeps the compiled bundle on disk between runs (NODE_DISABLE_COMPILE_CACHE=1 turns
// it off); on older Node the call does not exist. It must run before the bundle is imported.
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
