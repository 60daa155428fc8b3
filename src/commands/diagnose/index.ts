import type { Command } from 'commander';
import type { Bind, CommandModule } from '../../cli/command.js';

// Registration only: flags and help. The probes, analyzers and Kubernetes client load when the
// command runs.
export const diagnoseCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('diagnose')
      .description('Find which segment of a request path fails: client app, client sidecar, network, gateway, server sidecar, server app or control plane')
      .argument('[from]', 'client pod ([type/]name[.namespace]), or "ingress" for north-south traffic (optional with --capture)')
      .argument('[to]', 'target Service host[:port] (name, name.namespace or FQDN) or pod (optional with --capture)')
      .option('--via <gateway>', 'gateway pod or gateway Service (name[.namespace]) the request goes through')
      .option('--path <path>', 'only requests whose path starts with this')
      .option('--since <duration>', 'only access-log lines this recent (e.g. 10m, 1h)', '1h')
      .option('--capture <dir>', 'diagnose a saved capture (istio-ts capture -d DIR) instead of the live cluster')
      .option('--tail <lines>', 'live: istio-proxy log lines to read per proxy', '5000')
      .option('--timeout <duration>', 'live: per-request timeout for Envoy admin and istiod', '30s')
      .option('-v, --verbose', 'print every evidence line with its source, not one per segment', false)
      .addHelpText(
        'after',
        `
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
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runDiagnose(ctx, cmd)));
  },
};
