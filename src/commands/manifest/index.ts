import { defineCommand, defineGroup } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';
import { PROFILE_NAMES } from '../../install/profile-names.js';
import { ISTIO_RELEASE, DEFAULT_HUB } from '../../install/version.js';

export const generateFlags = flagTable({
  filename: { kind: 'list', flags: '-f, --filename <file>', description: 'IstioOperator file, overlaid left to right; "-" reads stdin (repeatable)' },
  set: { kind: 'list', flags: '-s, --set <path=value>', description: 'override an IstioOperator field, e.g. profile=demo, values.pilot.env.X=1, components.ingressGateways[name:istio-ingressgateway].enabled=false (repeatable)' },
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'control plane revision (objects named istiod-<rev>, label istio.io/rev=<rev>)' },
  manifests: { kind: 'string', flags: '-d, --manifests <dir>', description: 'accepted for istioctl compatibility and ignored: istio-ts has built-in charts' },
});
export type GenerateFlags = FlagValues<typeof generateFlags>;
export const GENERATE_FORMATS = ['yaml', 'json'] as const;
export type GenerateFormat = (typeof GENERATE_FORMATS)[number];

export const manifestCommand = defineGroup({
  name: 'manifest',
  description: 'Generate Istio install manifests (no cluster needed)',
  subcommands: [
    defineCommand({
      name: 'generate',
      description: 'Render the Kubernetes objects of an Istio install from a profile, IstioOperator files and --set flags',
      flags: generateFlags,
      formats: GENERATE_FORMATS,
      help: `
Profiles: ${PROFILE_NAMES.join(', ')} (every profile is merged on top of "default").
Images default to Istio ${ISTIO_RELEASE} from ${DEFAULT_HUB}; override with --set hub=… --set tag=….
Output (-o): yaml (default), json (a v1 List). Objects come in apply order: CRDs, RBAC, webhooks,
ConfigMaps, workloads, autoscalers, Services.

Exit codes: 0 ok; 64 bad flag or --set (names the field); 65 bad -f file (names file and field);
66 -f file missing.

Examples:
  istio-ts manifest generate --set profile=demo | kubectl apply -f -
  istio-ts manifest generate -f my-iop.yaml -r 1-27-1
  istio-ts manifest generate --set values.istiodRemote.injectionURL=https://localhost:15017/inject`,
      load: async () => (await import('./action.js')).implementation,
    }),
  ],
});
