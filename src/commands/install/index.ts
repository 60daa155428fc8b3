import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';
import { PROFILE_NAMES } from '../../install/profile-names.js';
import { ISTIO_RELEASE } from '../../install/version.js';

export const installFlags = flagTable({
  filename: { kind: 'list', flags: '-f, --filename <file>', description: 'IstioOperator file, overlaid left to right; "-" reads stdin (repeatable)' },
  set: { kind: 'list', flags: '-s, --set <path=value>', description: 'override an IstioOperator field, e.g. profile=demo (repeatable)' },
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'control plane revision (istiod-<rev>); objects of the same revision left over are pruned' },
  manifests: { kind: 'string', flags: '-d, --manifests <dir>', description: 'accepted for istioctl compatibility and ignored: istio-ts has built-in charts' },
  skipConfirmation: { kind: 'switch', flags: '-y, --skip-confirmation', description: 'do not ask before changing the cluster (required without a terminal)' },
  dryRun: { kind: 'switch', flags: '--dry-run', description: 'show what would change (server-side dry run); write nothing' },
  readinessTimeout: { kind: 'duration', flags: '--readiness-timeout <duration>', description: 'how long each component may take to become ready', default: '300s', minMs: 1000 },
});
export type InstallFlags = FlagValues<typeof installFlags>;
export const INSTALL_FORMATS = ['text', 'json'] as const;
export type InstallFormat = (typeof INSTALL_FORMATS)[number];

export const installCommand = defineCommand({
  name: 'install',
  aliases: ['apply'],
  description: 'Install or upgrade Istio in the cluster: plan, server-side apply, wait for readiness, prune',
  flags: installFlags,
  formats: INSTALL_FORMATS,
  help: `
Installs Istio ${ISTIO_RELEASE}. Profiles: ${PROFILE_NAMES.join(', ')}.
Order: namespaces, CRDs (waits until Established), then components in dependency order
(Base → Istiod → CNI → Ztunnel, Istiod → gateways), each waiting for its Deployments/DaemonSets.
Objects are server-side applied with field manager "istio-ts" and labelled
install.istio-ts.dev/managed-by=istio-ts, install.istio-ts.dev/revision=<rev>.
Re-running with the same input changes nothing and says so. On a readiness timeout the
blocking pods, containers, waiting reasons and recent events are shown.
Output (-o): text (default), json (plan and result on stdout).

Exit codes: 0 installed (or nothing to change); 1 apply failed, not ready in time, or cancelled;
64 bad flag; 65 bad -f file; 66 -f file missing.

Examples:
  istio-ts install --set profile=demo -y
  istio-ts install -f my-iop.yaml --dry-run
  istio-ts install -r 1-28-0 --readiness-timeout 10m -y`,
  load: async () => (await import('./action.js')).implementation(),
});
