import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

// Registration only: flags and help. The probes, analyzers and Kubernetes client load when the
// command runs.
export const diagnoseFlags = flagTable({
  via: { kind: 'string', flags: '--via <gateway>', description: 'gateway pod or gateway Service (name[.namespace]) the request goes through' },
  path: { kind: 'string', flags: '--path <path>', description: 'only requests whose path starts with this' },
  since: { kind: 'duration', flags: '--since <duration>', description: 'only access-log lines this recent (e.g. 10m, 1h)', default: '1h', minMs: 1 },
  capture: { kind: 'string', flags: '--capture <dir>', description: 'diagnose a saved capture (istio-ts capture -d DIR) instead of the live cluster' },
  tail: { kind: 'string', flags: '--tail <lines>', description: 'live: istio-proxy log lines to read per proxy', default: '5000' },
  timeout: { kind: 'string', flags: '--timeout <duration>', description: 'live: per-request timeout for Envoy admin and istiod', default: '30s' },
  verbose: { kind: 'switch', flags: '-v, --verbose', description: 'print every evidence line with its source, not one per segment', default: false },
});
export type DiagnoseFlags = FlagValues<typeof diagnoseFlags>;
export const DIAGNOSE_FORMATS = ['table', 'json'] as const;
export type DiagnoseFormat = (typeof DIAGNOSE_FORMATS)[number];

export const diagnoseCommand = defineCommand({
  name: 'diagnose',
  description: 'Find which segment of a request path fails: client app, client sidecar, network, gateway, server sidecar, server app or control plane',
  args: [
    { name: '[from]', description: 'client pod ([type/]name[.namespace]), or "ingress" for north-south traffic (optional with --capture)' },
    { name: '[to]', description: 'target Service host[:port] (name, name.namespace or FQDN) or pod (optional with --capture)' },
  ],
  flags: diagnoseFlags,
  formats: DIAGNOSE_FORMATS,
  help: `
Walks client app → client sidecar → network → (gateway) → server sidecar → server app, with the
control plane beside it, and says for each segment ok (✔), fault (✘) or unknown (?), with the
evidence and where it was read. "ok" needs evidence; no evidence is "unknown".

Output (-o): table (default), json. Exit codes: 0 no fault found; 80 a fault was attributed;
64 usage; 66 capture directory missing; 1 other errors.

Examples:
  istio-ts diagnose frontend-6c9f7b5d4-x2kqp.shop cart.shop:8080
  istio-ts diagnose deploy/frontend.shop cart.shop --path /api --since 10m
  istio-ts diagnose ingress productpage.bookinfo:9080 --via istio-ingressgateway.istio-system
  istio-ts diagnose --capture ./incident-42 -o json`,
  load: async () => (await import('./action.js')).implementation,
});
