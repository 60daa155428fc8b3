import type { Command } from 'commander';
import type { Bind, CommandModule } from '../../cli/program.js';

export const uninstallCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    program
      .command('uninstall')
      .description('Remove what istio-ts installed: one revision (-r), or everything including CRDs (--purge)')
      .option('-r, --revision <rev>', 'the revision to remove ("default" for the unnamed one)')
      .option('--purge', 'remove every istio-ts-installed object of every revision, and the Istio CRDs')
      .option('-y, --skip-confirmation', 'do not ask before deleting (required without a terminal)')
      .option('--dry-run', 'show what would be deleted; delete nothing')
      .addHelpText(
        'after',
        `
Only objects labelled install.istio-ts.dev/managed-by=istio-ts are deleted. Without --purge,
CRDs stay, and Base objects (shared RBAC and the default validator) stay while another
revision's istiod remains. Warns with a count when proxies still point at the revision.
Namespaces are never deleted. Output (-o): text (default), json.

Exit codes: 0 done; 1 a delete failed or cancelled; 64 neither or both of -r and --purge.

Examples:
  istio-ts uninstall -r canary -y
  istio-ts uninstall --purge --dry-run`,
      )
      .action(bind(async (ctx, cmd) => (await import('./action.js')).runUninstall(ctx, cmd)));
  },
};
