import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

export const uninstallFlags = flagTable({
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'the revision to remove ("default" for the unnamed one)' },
  purge: { kind: 'switch', flags: '--purge', description: 'remove every istio-ts-installed object of every revision, and the Istio CRDs' },
  skipConfirmation: { kind: 'switch', flags: '-y, --skip-confirmation', description: 'do not ask before deleting (required without a terminal)' },
  dryRun: { kind: 'switch', flags: '--dry-run', description: 'show what would be deleted; delete nothing' },
});
export type UninstallFlags = FlagValues<typeof uninstallFlags>;
export const UNINSTALL_FORMATS = ['text', 'json'] as const;
export type UninstallFormat = (typeof UNINSTALL_FORMATS)[number];

export const uninstallCommand = defineCommand({
  name: 'uninstall',
  description: 'Remove what istio-ts installed: one revision (-r), or everything including CRDs (--purge)',
  flags: uninstallFlags,
  formats: UNINSTALL_FORMATS,
  help: `
Only objects labelled install.istio-ts.dev/managed-by=istio-ts are deleted. Without --purge,
CRDs stay, and Base objects (shared RBAC and the default validator) stay while another
revision's istiod remains. Warns with a count when proxies still point at the revision.
Namespaces are never deleted. Output (-o): text (default), json.

Exit codes: 0 done; 1 a delete failed or cancelled; 64 neither or both of -r and --purge.

Examples:
  istio-ts uninstall -r canary -y
  istio-ts uninstall --purge --dry-run`,
  load: async () => (await import('./action.js')).implementation(),
});
