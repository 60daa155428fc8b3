import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

export const proxyStatusFlags = flagTable({
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'only the istiod pods of this control plane revision' },
  file: { kind: 'string', flags: '-f, --file <file>', description: "with POD: the pod's saved Envoy /config_dump instead of its admin port (\"-\" for stdin)" },
  istiodFile: { kind: 'string', flags: '--istiod-file <file>', description: "with POD or -f: istiod's saved /debug/config_dump?proxyID=POD instead of asking istiod" },
  synczFile: { kind: 'list', flags: '--syncz-file <file>', description: 'a saved istiod /debug/syncz response instead of the cluster (repeatable, one per istiod)' },
  proxyAdminPort: { kind: 'port', flags: '--proxy-admin-port <port>', description: 'Envoy admin port in the pod', default: '15000' },
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'per-request timeout for istiod and Envoy', default: '30s', minMs: 1 },
  // A level, checked by validate (its message explains the levels).
  verbosity: { kind: 'string', flags: '-v, --verbosity <level>', description: 'table detail: 0 one SUBSCRIBED TYPES column, 1 one column per xDS type (as istioctl)', default: '0' },
});
export type ProxyStatusFlags = FlagValues<typeof proxyStatusFlags>;

export const proxyStatusCommand = defineCommand({
  name: 'proxy-status',
  aliases: ['ps'],
  description: "Sync state of every proxy as istiod sees it, or one proxy's config diffed against istiod's",
  args: [{ name: '[pod]', description: 'pod as [type/]name[.namespace]: compare its Envoy config with what istiod would send it' }],
  flags: proxyStatusFlags,
  formats: ['table', 'json', 'yaml'],
  help: `
Without POD: asks every running istiod pod (all revisions, or -r) for /debug/syncz on its
monitoring port (prometheus.io/port annotation, else 15014) and prints one row per proxy, as
istioctl 1.31 does: NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES ("5 (CDS,LDS,EDS,RDS,ECDS)";
a ztunnel "2 (WADS,WDS)"). With istiods of several revisions, a REVISION column follows ISTIOD.
-v 1 prints one column per xDS type instead:
  SYNCED (acked what was sent; with its age when istiod says), NOT SENT, STALE (sent, not acked
  yet), ERROR (the proxy rejected the last push: a NACK; its message follows the table),
  IGNORED (the proxy does not watch this type, e.g. ECDS without Wasm or telemetry filters)
istiod's own debug clients (istioctl's, ours) and connections that watch no proxy config are
left out. -n keeps the proxies of one namespace. Both syncz shapes are read: the SyncStatus list of
Istio 1.16+ istiod and the ClientConfig DiscoveryResponse (istio.io/debug/syncz, istioctl ps -o json).
When proxies run a different Istio minor version than the control plane, a version-skew summary follows.

With POD: diffs the pod's dynamic clusters, listeners and routes against istiod's
/debug/config_dump?proxyID=POD ("Clusters Match" or a unified diff, istiod "-", Envoy "+").

Output (-o): table (default), json, yaml.
Exit codes: 0 when at least one istiod answered (an istiod that did not is reported on stderr and
its proxies are missing); 1 when nothing could be read (no istiod pod, none answered, the pod or
istiod config could not be fetched); 64 bad flag; 65/66 unreadable or missing file.
A STALE or ERROR proxy does not change the exit code: read the table or -o json.

Examples:
  istio-ts proxy-status
  istio-ts ps -n bookinfo -o json
  istio-ts ps productpage-v1-7d4b8.bookinfo
  istio-ts ps deploy/reviews -n bookinfo -r 1-24-2`,
  load: async () => (await import('./action.js')).implementation(),
});
