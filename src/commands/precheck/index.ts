import type { Command } from 'commander';
import { collect } from '../../cli/flags.js';
import type { Bind, CommandModule } from '../../cli/program.js';


export const precheckCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('precheck')
      .description('Check that the cluster can take an Istio install: version, permissions, existing Istio, webhooks')
      .option('-f, --filename <file>', 'IstioOperator file of the planned install (repeatable)', collect, [])
      .option('-s, --set <path=value>', 'IstioOperator override of the planned install (repeatable)', collect, [])
      .option('-r, --revision <rev>', 'the revision you plan to install')
      .addHelpText(
        'after',
        `
Checks: Kubernetes version (the minimum the pinned Istio supports); SelfSubjectAccessReview
create+patch for every kind and namespace the planned install writes; existing control planes
(revisions, versions, installer); injector webhooks that would conflict with the planned revision.
Output (-o): text (✔/‼/× lines with hints, default), json.

Exit codes: 0 no failed check (warnings allowed); 1 a check failed; 64 bad flag.`,
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runPrecheck(ctx, cmd)));
  },
};
