#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): a start that loads no ES module skips initialising Node's ESM
// loader, ~8 ms of every run on Node 20. Commands that need an ES module import it when they
// need it.
// Node >= 22.1 keeps compiled modules on disk between runs (NODE_DISABLE_COMPILE_CACHE=1 turns
// it off); Node 20 has no such call, and loading node:module to find that out costs 0.3 ms.
// dist/cli/loader.cjs loads the CLI bundle with V8's code cache on every Node version
// (scripts/bundle-loader.cjs).
if (Number(process.versions.node.split('.')[0]) >= 22) require('node:module').enableCompileCache?.();
const loader = require('../dist/cli/loader.cjs');
loader.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Output to pipes and files went out with fs.writeSync (src/cli/stdio.ts), so nothing is left
  // to flush and the run ends here: tearing the heap down on a natural exit was ~1 ms. When a
  // process stream was created (a terminal, a socket), Node drains it and exits on its own.
  if (!loader.bundle().processStreamCreated()) process.exit(code);
});
