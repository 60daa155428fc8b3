/**
 * A fake cluster for proxy-status and version: istiod pods whose port-forwards reach local HTTP
 * servers playing istiod's monitoring port (/version, /debug/syncz, /debug/config_dump) and a
 * workload pod playing Envoy's admin port. A pod listed in `unreachable` fails its port-forward
 * the way the API server does when the kubelet cannot be reached.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CommandContext } from '../../../src/cli/context.js';
import type { IO } from '../../../src/cli/io.js';
import type { KubeClient, KubeObject } from '../../../src/kube/types.js';

export type Routes = Record<string, { status?: number; body: string }>;

export interface FakeMesh {
  kube: KubeClient;
  forwards: string[];
  close(): Promise<void>;
}

export async function fakeMesh(opts: { istiods: { name: string; rev?: string; routes: Routes }[]; pods?: { name: string; namespace: string; routes: Routes }[]; unreachable?: string[] }): Promise<FakeMesh> {
  const servers = new Map<string, http.Server>();
  const ports = new Map<string, number>();
  const serve = async (key: string, routes: Routes) => {
    const s = http.createServer((req, res) => {
      const r = routes[req.url ?? ''];
      res.statusCode = r ? (r.status ?? 200) : 404;
      res.end(r ? r.body : 'not found\n');
    });
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
    servers.set(key, s);
    ports.set(key, (s.address() as AddressInfo).port);
  };
  for (const i of opts.istiods) await serve(`istio-system/${i.name}`, i.routes);
  for (const p of opts.pods ?? []) await serve(`${p.namespace}/${p.name}`, p.routes);
  const forwards: string[] = [];
  const istiodPods: KubeObject[] = opts.istiods.map((i) => ({
    metadata: { name: i.name, namespace: 'istio-system', labels: { app: 'istiod', ...(i.rev ? { 'istio.io/rev': i.rev } : {}) } },
    status: { phase: 'Running' },
  }));
  const kube: KubeClient = {
    defaultNamespace: 'default',
    async get(_v, kind, ns, name) {
      throw new Error(`${kind} ${ns}/${name} not found`);
    },
    async list(_v, kind, ns, o) {
      if (kind !== 'Pod' || ns !== 'istio-system') return [];
      const want = (o?.labelSelector ?? '').split(',').filter(Boolean).map((kv) => kv.split('='));
      return istiodPods.filter((p) => want.every(([k, v]) => p.metadata?.labels?.[k!] === v));
    },
    async portForward(ns, name, port) {
      forwards.push(`${ns}/${name}:${port}`);
      if (opts.unreachable?.includes(name)) throw new Error('error upgrading connection: unable to upgrade connection: container not found');
      const p = ports.get(`${ns}/${name}`);
      if (p === undefined) throw new Error(`pods "${name}" not found`);
      return { localPort: p, close: async () => undefined };
    },
    async logs() {
      return '';
    },
  };
  return {
    kube,
    forwards,
    close: async () => {
      await Promise.all([...servers.values()].map((s) => new Promise<void>((ok) => s.close(() => ok()))));
    },
  };
}

export function capture(globals: { output?: string; namespace?: string } = {}): { ctx: CommandContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const io: IO = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => '',
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
    isTTY: false,
    stdinIsTTY: false,
  };
  return { ctx: new CommandContext(io, { istioNamespace: 'istio-system', color: 'never', ...globals }), out: () => out, err: () => err };
}
