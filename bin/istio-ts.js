#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): a start that loads no ES module skips initialising Node's ESM
// loader, ~8 ms of every run on Node 20. Commands that need an ES module (the Kubernetes client)
// import it when they first connect.
// Node >= 22.1 keeps compiled modules on disk between runs (NODE_DISABLE_COMPILE_CACHE=1 turns
// it off); on older Node the call does not exist. dist/cli/loader.cjs loads the CLI bundle with
// V8's code cache on every Node version (scripts/bundle-loader.cjs).
require('node:module').enableCompileCache?.();
require('../dist/cli/loader.cjs')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
