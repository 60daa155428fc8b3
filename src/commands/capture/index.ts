import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

export const captureFlags = flagTable({
  dir: { kind: 'string', flags: '-d, --dir <dir>', description: 'directory to write (created; must be empty or absent)', required: true },
  via: { kind: 'string', flags: '--via <gateway>', description: 'gateway pod or gateway Service (name[.namespace]) the request goes through' },
  tail: { kind: 'int', flags: '--tail <lines>', description: 'istio-proxy log lines to keep per proxy', default: '5000' },
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'per-request timeout for Envoy admin and istiod', default: '30s', minMs: 1 },
});
export type CaptureFlags = FlagValues<typeof captureFlags>;

export const captureCommand = defineCommand({
  name: 'capture',
  description: 'Save everything `diagnose` reads about a request path to a directory (for postmortems, bug reports, offline diagnose)',
  args: [
    { name: '<from>', description: 'client pod ([type/]name[.namespace]), or "ingress"' },
    { name: '<to>', description: 'target Service host[:port] or pod' },
  ],
  flags: captureFlags,
  // The capture goes to --dir; stdout stays empty and the summary line goes to stderr.
  formats: ['text'],
  help: `
Writes DIR/capture.json, DIR/cluster/*.yaml (pods, services, namespaces, Istio config of the
involved namespaces), DIR/istiod/syncz.json, and per proxy DIR/proxies/<ns>/<pod>/config_dump.json,
clusters.json, stats.txt and istio-proxy.log. Secrets are not collected; private keys in config
dumps are redacted. Then: istio-ts diagnose --capture DIR

Example:
  istio-ts capture frontend-6c9f7b5d4-x2kqp.shop cart.shop:8080 -d ./incident-42`,
  load: async () => (await import('./action.js')).implementation,
});
