import { defineCommand } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

export const precheckFlags = flagTable({
  filename: { kind: 'list', flags: '-f, --filename <file>', description: 'IstioOperator file of the planned install (repeatable)' },
  set: { kind: 'list', flags: '-s, --set <path=value>', description: 'IstioOperator override of the planned install (repeatable)' },
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'the revision you plan to install' },
});
export type PrecheckFlags = FlagValues<typeof precheckFlags>;
export const PRECHECK_FORMATS = ['text', 'json'] as const;
export type PrecheckFormat = (typeof PRECHECK_FORMATS)[number];

export const precheckCommand = defineCommand({
  name: 'precheck',
  description: 'Check that the cluster can take an Istio install: version, permissions, existing Istio, webhooks',
  flags: precheckFlags,
  formats: PRECHECK_FORMATS,
  help: `
Checks: Kubernetes version (the minimum the pinned Istio supports); SelfSubjectAccessReview
create+patch for every kind and namespace the planned install writes; existing control planes
(revisions, versions, installer); injector webhooks that would conflict with the planned revision.
Output (-o): text (✔/‼/✘ lines with hints, default), json.

Exit codes: 0 no failed check (warnings allowed); 1 a check failed; 64 bad flag.`,
  load: async () => (await import('./action.js')).implementation(),
});
