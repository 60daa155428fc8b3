import type { Command } from 'commander';
import { collect } from '../../cli/flags.js';
import type { Bind, CommandModule } from '../../cli/command.js';
import { PROFILE_NAMES } from '../../install/profile-names.js';
import { ISTIO_RELEASE, DEFAULT_HUB } from '../../install/version.js';


export const manifestCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    const manifest = program.command('manifest').description('Generate Istio install manifests (no cluster needed)');
    manifest
      .command('generate')
      .description('Render the Kubernetes objects of an Istio install from a profile, IstioOperator files and --set flags')
      .option('-f, --filename <file>', 'IstioOperator file, overlaid left to right; "-" reads stdin (repeatable)', collect, [])
      .option('-s, --set <path=value>', 'override an IstioOperator field, e.g. profile=demo, values.pilot.env.X=1, components.ingressGateways[name:istio-ingressgateway].enabled=false (repeatable)', collect, [])
      .option('-r, --revision <rev>', 'control plane revision (objects named istiod-<rev>, label istio.io/rev=<rev>)')
      .option('-d, --manifests <dir>', 'accepted for istioctl compatibility and ignored: istio-ts has built-in charts')
      .addHelpText(
        'after',
        `
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
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runGenerate(ctx, cmd)));
  },
};

