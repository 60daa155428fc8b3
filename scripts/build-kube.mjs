// esbuild plugin for the Kubernetes client bundled into dist/cli/*.cjs, used by build.mjs.
//
// src/kube/client.ts uses @kubernetes/client-node's KubeConfig only: kubeconfig loading, TLS
// material, tokens, exec and auth providers, proxy-url agents. Its config.js imports everything
// those need at the top: node-fetch (with whatwg-url and tr46's 300 KB mapping table, for its
// fetch-based API clients), the SOCKS and HTTP(S) proxy agents, and the azure, gcp and oidc auth
// providers (jsonpath-plus, openid-client, oauth4webapi). Evaluating them was two thirds of the
// client's load time (46 -> 15 ms) on every live command, though a kubeconfig rarely uses any.
//
// This plugin keeps each of them out of the start-up path, with the library's behaviour intact:
// - node-fetch, socks-proxy-agent and hpagent: not bundled; required on first use from
//   node_modules as client-node itself resolves them (they are its dependencies, installed with
//   it, as ajv is ours), behind classes and functions that construct or call the real ones. The
//   bundle loses ~570 KB that V8 would parse on every start (tr46, ip-address, socks, …);
// - the azure, gcp and oidc authenticators: the real modules stay uninitialised in the bundle until
//   the first applyAuthentication() imports them; isAuthProvider() is the library's own test (authProvider.name).
import { createRequire } from 'node:module';
import path from 'node:path';

const NS = 'kube-lazy';

/** Modules constructed synchronously by config.js: required from node_modules on first use. */
const LAZY_CJS = {
  'node-fetch': {
    // lib/index.js: module.exports = fetch, with .Headers, .Request, .Response, .default.
    file: 'node-fetch/lib/index.js',
    body: (req) => `let m;
const load = () => (m ??= ${req});
export default function fetch(url, opts) { return load()(url, opts); }
export class Headers { constructor(init) { return new (load().Headers)(init); } }
export class Request { constructor(input, init) { return new (load().Request)(input, init); } }
export class Response { constructor(body, init) { return new (load().Response)(body, init); } }
export class FetchError { constructor(message, type, systemError) { return new (load().FetchError)(message, type, systemError); } }
`,
  },
  'socks-proxy-agent': {
    file: 'socks-proxy-agent/dist/index.js',
    body: (req) => `let m;
const load = () => (m ??= ${req});
export class SocksProxyAgent { constructor(uri, opts) { return new (load().SocksProxyAgent)(uri, opts); } }
`,
  },
  hpagent: {
    file: 'hpagent/index.js',
    body: (req) => `let m;
const load = () => (m ??= ${req});
export class HttpProxyAgent { constructor(opts) { return new (load().HttpProxyAgent)(opts); } }
export class HttpsProxyAgent { constructor(opts) { return new (load().HttpsProxyAgent)(opts); } }
`,
  },
};

/** Auth providers: the real module, initialised when a user first needs it. */
const LAZY_AUTH = {
  './azure_auth.js': { name: 'AzureAuth', provider: 'azure' },
  './gcp_auth.js': { name: 'GoogleCloudPlatformAuth', provider: 'gcp' },
  './oidc_auth.js': { name: 'OpenIDConnectAuth', provider: 'oidc' },
};

const isClientNode = (importer) => importer.replaceAll('\\', '/').includes('/@kubernetes/client-node/dist/');

export const kubeLazy = {
  name: 'kube-lazy',
  setup(b) {
    b.onResolve({ filter: /^(node-fetch|socks-proxy-agent|hpagent|\.\/(azure|gcp|oidc)_auth\.js)$/ }, (a) => {
      if (a.namespace === NS || !isClientNode(a.importer)) return undefined;
      if (a.path in LAZY_CJS) {
        // The CommonJS build of the copy client-node itself gets (checked here, required at run time).
        const file = createRequire(a.importer).resolve(a.path);
        if (!file.replaceAll('\\', '/').endsWith(LAZY_CJS[a.path].file)) throw new Error(`${a.path} resolves to ${file}, not its CommonJS build ${LAZY_CJS[a.path].file}: check scripts/build-kube.mjs`);
        return { path: a.path, namespace: NS, pluginData: { cjs: true } };
      }
      return { path: path.join(path.dirname(a.importer), a.path), namespace: NS, pluginData: { auth: a.path } };
    });
    b.onLoad({ filter: /.*/, namespace: NS }, (a) => {
      const d = a.pluginData;
      if (d.cjs) {
        const req = `createRequire(createRequire(import.meta.url).resolve('@kubernetes/client-node'))(${JSON.stringify(a.path)})`;
        return { contents: `import { createRequire } from 'node:module';\n${LAZY_CJS[a.path].body(req)}`, loader: 'js' };
      }
      const { name, provider } = LAZY_AUTH[d.auth];
      return {
        contents: `export class ${name} {
  isAuthProvider(user) { return Boolean(user && user.authProvider && user.authProvider.name === ${JSON.stringify(provider)}); }
  async applyAuthentication(user, opts) {
    if (!this.real) { const { ${name}: Real } = await import(${JSON.stringify(a.path)}); this.real ??= new Real(); }
    return this.real.applyAuthentication(user, opts);
  }
}
`,
        loader: 'js',
        resolveDir: path.dirname(a.path),
      };
    });
  },
};
