import { Option, type Command } from 'commander';
import { parseBoolFlag } from '../../cli/flags.js';
import type { Bind, CommandModule } from '../../cli/command.js';

export const versionCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('version')
      .description('Print the client version, the control plane versions (per revision) and the data plane versions with proxy counts')
      .addOption(new Option('--short [bool]', 'one line per part (--short=false: tables with pods, git revisions and build status)').argParser(parseBoolFlag('--short')).default(true))
      .addOption(new Option('--remote [bool]', 'ask the cluster too (--remote=false: client version only, no cluster access)').argParser(parseBoolFlag('--remote')).default(true))
      .option('-r, --revision <rev>', 'only the istiod pods of this control plane revision')
      .option('--timeout <duration>', 'per-request timeout for istiod', '30s')
      .addHelpText(
        'after',
        `
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
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runVersion(ctx, cmd)));
  },
};
