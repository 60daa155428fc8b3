import type { Command } from 'commander';
import { collect } from '../../cli/flags.js';
import type { Bind, CommandModule } from '../../cli/command.js';
import { PROFILE_NAMES } from '../../install/profile-names.js';
import { ISTIO_RELEASE } from '../../install/version.js';


export const installCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('install')
      .alias('apply')
      .description('Install or upgrade Istio in the cluster: plan, server-side apply, wait for readiness, prune')
      .option('-f, --filename <file>', 'IstioOperator file, overlaid left to right; "-" reads stdin (repeatable)', collect, [])
      .option('-s, --set <path=value>', 'override an IstioOperator field, e.g. profile=demo (repeatable)', collect, [])
      .option('-r, --revision <rev>', 'control plane revision (istiod-<rev>); objects of the same revision left over are pruned')
      .option('-d, --manifests <dir>', 'accepted for istioctl compatibility and ignored: istio-ts has built-in charts')
      .option('-y, --skip-confirmation', 'do not ask before changing the cluster (required without a terminal)')
      .option('--dry-run', 'show what would change (server-side dry run); write nothing')
      .option('--readiness-timeout <duration>', 'how long each component may take to become ready', '300s')
      .addHelpText(
        'after',
        `
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
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runInstall(ctx, cmd)));
  },
};
