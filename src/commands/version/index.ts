import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

export const versionFlags = flagTable({
  short: { kind: 'bool', flags: '--short [bool]', description: 'one line per part (--short=false: tables with pods, git revisions and build status)', default: true },
  remote: { kind: 'bool', flags: '--remote [bool]', description: 'ask the cluster too (--remote=false: client version only, no cluster access)', default: true },
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'only the istiod pods of this control plane revision' },
  timeout: { kind: 'duration', flags: '--timeout <duration>', description: 'per-request timeout for istiod', default: '30s', minMs: 1 },
});
export type VersionFlags = FlagValues<typeof versionFlags>;
export const VERSION_FORMATS = ['text', 'json', 'yaml'] as const;
export type VersionFormat = (typeof VERSION_FORMATS)[number];

export const versionCommand = defineCommand({
  name: 'version',
  description: 'Print the client version, the control plane versions (per revision) and the data plane versions with proxy counts',
  flags: versionFlags,
  formats: VERSION_FORMATS,
  help: `
The control plane version comes from /version of every running istiod pod (monitoring port,
prometheus.io/port annotation else 15014, through a port-forward); the data plane versions from
their /debug/syncz (the ISTIO_VERSION each connected proxy reports). Istio 1.16 and later.

Output (-o): text (default), json, yaml. JSON keys follow istioctl: clientVersion, meshVersion
[{Component, Revision, Info, pod}], dataPlaneVersion [{ID, IstioVersion}], plus dataPlaneVersions
[{version, count}] and errors [{istiod, message}].
Exit codes: 0 when the versions could be read (also when Istio is not installed: "not present");
1 when the cluster or every istiod could not be reached (the client version is still printed);
64 bad flag.

Examples:
  istio-ts version
  istio-ts version --remote=false
  istio-ts version -o json`,
  load: async () => (await import('./action.js')).implementation(),
});
