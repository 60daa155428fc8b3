/**
 * Whether the server app listens on its port, and on which address, from the pod's socket table
 * (sockets.txt). Only this tells "app not listening" from "app bound to localhost": both look the
 * same in the server sidecar's access log (UF, connection refused on the pod IP).
 */
import { isLoopback, parseListeningSockets } from '../sockets.js';
import { containerPort } from '../path.js';
import { defineProbe, sidecarContainer } from './types.js';

export const appListenProbe = defineProbe({
  name: 'app-listen',
  description: 'The server app listens on the Service target port on a non-loopback address',
  reads: ['proxies/<ns>/<pod>/sockets.txt'],
  evidence: ['pod.app-listening', 'pod.app-localhost-only', 'pod.app-not-listening'],
  run(ctx) {
    const svc = ctx.path.service;
    for (const p of ctx.path.servers) {
      const file = p.proxy?.files.sockets;
      if (!p.proxy?.sockets || !file) continue;
      const port = svc ? containerPort(p.object, svc.targetPort) : ctx.path.port;
      if (!port) continue;
      const sockets = parseListeningSockets(p.proxy.sockets).filter((s) => s.port === port);
      const app = ((p.object.spec?.containers ?? []) as Record<string, unknown>[]).find((c) => c !== sidecarContainer(p));
      const args = { pod: `${p.name}.${p.namespace}`, name: p.name, namespace: p.namespace, port, file, container: String(app?.name ?? 'app') };
      const source = `${file}: TCP LISTEN sockets on port ${port}`;
      if (sockets.length === 0) ctx.report('pod.app-not-listening', 'server-app', args, source);
      else if (sockets.every((s) => isLoopback(s.address))) ctx.report('pod.app-localhost-only', 'server-app', { ...args, address: sockets.map((s) => s.address).join(', ') }, source);
      else ctx.report('pod.app-listening', 'server-app', { ...args, address: sockets.find((s) => !isLoopback(s.address))!.address }, source);
    }
  },
});
