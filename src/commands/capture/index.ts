import type { Command } from 'commander';
import type { Bind, CommandModule } from '../../cli/command.js';

export const captureCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('capture')
      .description('Save everything `diagnose` reads about a request path to a directory (for postmortems, bug reports, offline diagnose)')
      .argument('<from>', 'client pod ([type/]name[.namespace]), or "ingress"')
      .argument('<to>', 'target Service host[:port] or pod')
      .requiredOption('-d, --dir <dir>', 'directory to write (created; must be empty or absent)')
      .option('--via <gateway>', 'gateway pod or gateway Service (name[.namespace]) the request goes through')
      .option('--tail <lines>', 'istio-proxy log lines to keep per proxy', '5000')
      .option('--timeout <duration>', 'per-request timeout for Envoy admin and istiod', '30s')
      .addHelpText(
        'after',
        `
Writes DIR/capture.json, DIR/cluster/*.yaml (pods, services, namespaces, Istio config of the
involved namespaces), DIR/istiod/syncz.json, and per proxy DIR/proxies/<ns>/<pod>/config_dump.json,
clusters.json, stats.txt and istio-proxy.log. Secrets are not collected; private keys in config
dumps are redacted. Then: istio-ts diagnose --capture DIR

Example:
  istio-ts capture frontend-6c9f7b5d4-x2kqp.shop cart.shop:8080 -d ./incident-42`,
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runCapture(ctx, cmd)));
  },
};
