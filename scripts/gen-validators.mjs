#!/usr/bin/env node
// Builds data/validators/ from data/istio-crds.json: one precompiled ajv validator per distinct
// CRD schema (ajv's standalone code generation), plus index.json mapping group/kind/version to it.
//
//   node scripts/gen-validators.mjs [istio-crds.json] [out-dir]
//
// Compiling Istio's CRD schemas with ajv at run time costs 80-300 ms per kind, paid by the first
// object of each kind in every `istio-ts analyze`; the generated modules load in a few ms.
//
// The schema fed to ajv is src/schema/structural.ts's toAjvSchema (transpiled here with the
// TypeScript compiler, a devDependency, so that there is one definition; test/schema/validators.test.ts
// fails when the CRD data or that conversion changed without regenerating).
// Versions of a kind whose converted schemas are identical (Istio serves v1alpha3, v1beta1 and v1
// from one schema) share a module, named after the schema's hash.
//
// Each module is CommonJS (so the synchronous analyzers can `require` it lazily) and exports
//   create(rt)  → the ajv validate function; rt supplies the two Kubernetes keywords ajv does not
//                 know: rt.cel(rule) → JS predicate or undefined (src/schema/cel.ts), and
//                 rt.listMapDuplicates(items, keys) → [{index, message}] for x-kubernetes-list-map-keys
//                 (both in src/schema/validator.ts).
// The generated code requires ajv/dist/runtime/* (equal, ucs2length) only when a schema uses
// uniqueItems or string lengths.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const input = path.resolve(process.argv[2] ?? path.join(root, 'data/istio-crds.json'));
const outDir = path.resolve(process.argv[3] ?? path.join(root, 'data/validators'));
const require = createRequire(import.meta.url);
const { Ajv, _, stringify } = require('ajv');
const standaloneCode = require('ajv/dist/standalone').default;
const oneOfKeyword = require('ajv/dist/vocabularies/applicator/oneOf').default;
const ajvVersion = require('ajv/package.json').version;

const { toAjvSchema } = await importTs(path.join(root, 'src/schema/structural.ts'));

const text = readFileSync(input, 'utf8');
const bundle = JSON.parse(text);
// Scope values need a `ref` for in-process use; standalone code only uses their `code`.
const placeholder = () => true;

function newAjv() {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    validateSchema: false,
    addUsedSchema: false,
    messages: true,
    // Subschemas shared through `definitions` (see shareRepeated) stay one function each.
    inlineRefs: false,
    code: { source: true, optimize: true, lines: false },
  });
  // Istio encodes each protobuf oneof as `oneOf: [not anyOf(required a, required b…), required a,
  // required b…]`, so a failing oneOf means two of those fields are set. ajv's own oneOf keyword,
  // with a message naming the fields (fixed at generation time, so no schema is needed at run
  // time). Re-added before the x-kubernetes-* keywords to keep ajv's keyword order on a node.
  ajv.removeKeyword('oneOf');
  ajv.addKeyword({
    ...oneOfKeyword,
    error: {
      ...oneOfKeyword.error,
      message: ({ schema }) => {
        const fields = schema.flatMap((b) => (b && Array.isArray(b.required) ? b.required : []));
        return fields.length ? `only one of ${fields.join(', ')} may be set` : oneOfKeyword.error.message;
      },
    },
  });
  ajv.addKeyword({
    // CEL rules the API server evaluates. Each rule becomes a call to its JS translation; a rule
    // without one (rt.cel returns undefined) is skipped, as before. One error per failed rule, in
    // rule order, with the CRD's message.
    keyword: 'x-kubernetes-validations',
    schemaType: 'array',
    error: { message: ({ params }) => params.message, params: () => _`{}` },
    code(cxt) {
      const { gen, schema, data } = cxt;
      for (const r of schema) {
        const check = gen.scopeValue('keyword', { key: r.rule, ref: placeholder, code: _`rt.cel(${r.rule})` });
        const message = r.message ?? `failed rule: ${r.rule}`;
        gen.if(_`${check} !== undefined && !${check}(${data})`, () => cxt.error(false, { message: _`${message}` }));
      }
    },
  });
  ajv.addKeyword({
    // listType: map: items are identified by their key fields; the API server rejects duplicates.
    keyword: 'x-kubernetes-list-map-keys',
    schemaType: 'array',
    error: { message: ({ params }) => params.message, params: ({ params }) => _`{index: ${params.index}}` },
    code(cxt) {
      const { gen, schema, data } = cxt;
      const find = gen.scopeValue('keyword', { key: 'listMapDuplicates', ref: placeholder, code: _`rt.listMapDuplicates` });
      gen.forOf('dup', _`${find}(${data}, ${stringify(schema)})`, (dup) =>
        cxt.error(false, { index: _`${dup}.index`, message: _`${dup}.message` }),
      );
    },
  });
  return ajv;
}

/**
 * Moves subschemas that occur more than once (DestinationRule's traffic policy appears at the top,
 * in every subset and, minus portLevelSettings, in every port-level setting) into `definitions`
 * and replaces each occurrence by a $ref, largest saving first. ajv compiles a $ref'd schema to
 * one function (inlineRefs: false), which keeps the generated code about as small as the schema.
 * Errors keep their instancePath; their schemaPath becomes relative to the shared schema, which
 * only matters for oneOf/anyOf/not branch errors — and nothing inside those is ever shared.
 */
function shareRepeated(root, minBytes) {
  const definitions = {};
  const SCHEMA_MAP = ['properties'];
  const SCHEMA_ONE = ['items', 'additionalProperties'];
  // Every shareable node: reached from the root through properties/items/additionalProperties only.
  const forEachShareable = (node, visit) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const children = [
      ...SCHEMA_MAP.flatMap((k) => (node[k] && typeof node[k] === 'object' ? Object.keys(node[k]).map((p) => [node[k], p]) : [])),
      ...SCHEMA_ONE.filter((k) => node[k] && typeof node[k] === 'object').map((k) => [node, k]),
    ];
    for (const [parent, key] of children) {
      visit(parent, key);
      forEachShareable(parent[key], visit);
    }
  };
  const bodies = () => [root, ...Object.values(definitions)];
  for (let n = 0; ; n++) {
    const counts = new Map();
    for (const body of bodies()) {
      forEachShareable(body, (parent, key) => {
        if (parent[key].$ref) return;
        const json = JSON.stringify(parent[key]);
        counts.set(json, (counts.get(json) ?? 0) + 1);
      });
    }
    let best;
    for (const [json, count] of counts) {
      const saving = (count - 1) * json.length;
      if (count > 1 && json.length >= minBytes && (!best || saving > best.saving)) best = { json, saving };
    }
    if (!best) break;
    const name = `shared${n}`;
    definitions[name] = JSON.parse(best.json);
    for (const body of bodies()) {
      forEachShareable(body, (parent, key) => {
        if (parent[key] !== definitions[name] && JSON.stringify(parent[key]) === best.json) parent[key] = { $ref: `#/definitions/${name}` };
      });
    }
  }
  return Object.keys(definitions).length ? { ...root, definitions } : root;
}

const HEADER = '// Generated by scripts/gen-validators.mjs from data/istio-crds.json with ajv';
const PREFIX = /^"use strict";\n?module\.exports = (\w+);\n?module\.exports\.default = \1;\n?/;

function moduleSource(schema, hash, kinds) {
  const ajv = newAjv();
  const validate = ajv.compile(shareRepeated(structuredClone(schema), 256));
  const code = standaloneCode(ajv, validate);
  const m = PREFIX.exec(code);
  if (!m) throw new Error(`unexpected ajv standalone output (ajv ${ajvVersion}): ${code.slice(0, 120)}`);
  return [
    `${HEADER} ${ajvVersion}; do not edit.`,
    `// Schema ${hash} (${kinds}).`,
    '"use strict";',
    'exports.create = function create(rt) {',
    code.slice(m[0].length),
    `return ${m[1]};`,
    '};',
    '',
  ].join('\n');
}

const modules = new Map(); // hash → { file, schema, kinds }
const kinds = {};
for (const crd of bundle.crds) {
  const versions = {};
  for (const v of crd.versions) {
    if (!v.served) continue;
    const schema = toAjvSchema(v.schema);
    const hash = schemaHash(schema);
    let mod = modules.get(hash);
    if (!mod) {
      mod = { file: `${crd.kind.toLowerCase()}-${hash.slice(0, 12)}.cjs`, schema, hash, kinds: [] };
      modules.set(hash, mod);
    }
    mod.kinds.push(`${crd.group}/${v.name} ${crd.kind}`);
    versions[v.name] = pick({ module: mod.file, schemaSha256: hash, deprecated: v.deprecated, deprecationWarning: v.deprecationWarning });
  }
  kinds[`${crd.group}/${crd.kind}`] = versions;
}

mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (f.endsWith('.cjs') || f === 'index.json') rmSync(path.join(outDir, f));
let bytes = 0;
for (const mod of modules.values()) {
  const src = moduleSource(mod.schema, mod.hash.slice(0, 12), mod.kinds.join(', '));
  bytes += src.length;
  writeFileSync(path.join(outDir, mod.file), src);
}
const index = {
  description: 'Precompiled CRD validators, generated by scripts/gen-validators.mjs; do not edit.',
  source: { file: path.basename(input), sha256: createHash('sha256').update(text).digest('hex') },
  ajv: ajvVersion,
  kinds,
};
writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index, null, 1) + '\n');
process.stdout.write(
  `${path.relative(process.cwd(), outDir)}: ${modules.size} validators for ${Object.values(kinds).reduce((n, v) => n + Object.keys(v).length, 0)} served versions, ${(bytes / 1024).toFixed(0)} KiB\n`,
);

/** test/schema/validators.test.ts computes the same hash to check that data/validators matches the CRD data. */
function schemaHash(schema) {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

function pick(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

/** Imports a TypeScript module that has no runtime imports (type-only imports are erased). */
async function importTs(file) {
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: file,
  });
  if (/^\s*import\s[^'"]*['"]/m.test(out.outputText)) throw new Error(`${file}: has runtime imports; importTs cannot load it`);
  return import(`data:text/javascript;base64,${Buffer.from(out.outputText).toString('base64')}`);
}
