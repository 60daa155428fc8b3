#!/usr/bin/env node
// Generates data/envoy-patch-fields.json: the field names (proto and JSON) of the Envoy messages an
// EnvoyFilter patch value can be (one per applyTo), read from go-control-plane's generated Go code
// in the Go module cache (the version the harness's istio module pins). istioctl decodes patch
// values into these messages and warns on unknown fields; istio-ts checks the top-level fields.
//
//   node scripts/gen-envoy-fields.mjs [GO_CONTROL_PLANE_ENVOY_DIR]
//
// Default directory: the newest $(go env GOMODCACHE)/github.com/envoyproxy/go-control-plane/envoy@*.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir = process.argv[2];
if (!dir) {
  const base = path.join(process.env.GOMODCACHE ?? path.join(os.homedir(), 'go/pkg/mod'), 'github.com/envoyproxy/go-control-plane');
  const versions = readdirSync(base).filter((d) => d.startsWith('envoy@')).sort();
  if (!versions.length) throw new Error(`no envoy@* module under ${base}`);
  dir = path.join(base, versions.at(-1));
}

/** applyTo → [Go package dir, Go struct, proto full name]. */
const TYPES = {
  LISTENER: ['config/listener/v3', 'Listener', 'envoy.config.listener.v3.Listener'],
  FILTER_CHAIN: ['config/listener/v3', 'FilterChain', 'envoy.config.listener.v3.FilterChain'],
  NETWORK_FILTER: ['config/listener/v3', 'Filter', 'envoy.config.listener.v3.Filter'],
  LISTENER_FILTER: ['config/listener/v3', 'ListenerFilter', 'envoy.config.listener.v3.ListenerFilter'],
  HTTP_FILTER: [
    'extensions/filters/network/http_connection_manager/v3',
    'HttpFilter',
    'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
  ],
  ROUTE_CONFIGURATION: ['config/route/v3', 'RouteConfiguration', 'envoy.config.route.v3.RouteConfiguration'],
  VIRTUAL_HOST: ['config/route/v3', 'VirtualHost', 'envoy.config.route.v3.VirtualHost'],
  HTTP_ROUTE: ['config/route/v3', 'Route', 'envoy.config.route.v3.Route'],
  CLUSTER: ['config/cluster/v3', 'Cluster', 'envoy.config.cluster.v3.Cluster'],
  EXTENSION_CONFIG: ['config/core/v3', 'TypedExtensionConfig', 'envoy.config.core.v3.TypedExtensionConfig'],
  BOOTSTRAP: ['config/bootstrap/v3', 'Bootstrap', 'envoy.config.bootstrap.v3.Bootstrap'],
};

const TAG = /protobuf:"[^"]*name=([a-z0-9_]+)(?:,json=([A-Za-z0-9]+))?[^"]*"/;

function fieldsOf(pkgDir, struct) {
  const src = readdirSync(path.join(dir, pkgDir))
    .filter((f) => f.endsWith('.pb.go') && !f.includes('vtproto') && !f.includes('validate'))
    .map((f) => readFileSync(path.join(dir, pkgDir, f), 'utf8'))
    .join('\n');
  const out = new Set();
  const body = (name) => {
    const m = new RegExp(`^type ${name} struct \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(src);
    return m ? m[1] : undefined;
  };
  const own = body(struct);
  if (own === undefined) throw new Error(`struct ${struct} not found in ${pkgDir}`);
  const add = (text, oneofOnly) => {
    for (const line of text.split('\n')) {
      const t = TAG.exec(line);
      if (!t || (oneofOnly && !line.includes(',oneof"'))) continue;
      out.add(t[1]);
      if (t[2]) out.add(t[2]);
    }
  };
  add(own, false);
  // Members of a oneof live in wrapper structs named <Struct>_<Field> with a single oneof field.
  for (const m of src.matchAll(new RegExp(`^type (${struct}_[A-Za-z0-9]+) struct \\{\\n([\\s\\S]*?)^\\}`, 'gm'))) {
    const lines = m[2].split('\n').filter((l) => TAG.test(l));
    if (lines.length === 1 && lines[0].includes(',oneof"')) add(m[2], true);
  }
  return [...out].sort();
}

const data = { source: `github.com/envoyproxy/go-control-plane/${path.basename(dir)}`, types: {} };
for (const [applyTo, [pkg, struct, full]] of Object.entries(TYPES)) data.types[applyTo] = { message: full, fields: fieldsOf(pkg, struct) };
writeFileSync(path.join(root, 'data/envoy-patch-fields.json'), JSON.stringify(data, null, 1) + '\n');
console.log(`data/envoy-patch-fields.json: ${Object.keys(data.types).length} types from ${data.source}`);
