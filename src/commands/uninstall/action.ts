import { execute, type Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import { confirm } from '../../cli/prompt.js';
import { executeUninstall, observeUninstall, type RemoveResult } from '../../install/apply/remove.js';
import { liveDeps, type ClusterDeps } from '../../install/deps.js';
import { guard } from '../../install/guard.js';
import type { UninstallPlan } from '../../install/uninstall.js';
import { renderUninstallPlan } from '../../output/install.js';
import { painter } from '../../output/paint.js';
import { printJson } from '../../output/printers.js';
import { UNINSTALL_FORMATS, type UninstallFlags, type UninstallFormat } from './index.js';
import { GLYPH, glyphs } from '../../output/symbols.js';

export interface UninstallOptions {
  readonly revision?: string;
  readonly purge: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
}

interface Validated extends UninstallOptions {
  readonly format: UninstallFormat;
}

/** What happened: nothing to remove, a dry run, cancelled at the prompt, or deletes done. */
export interface UninstallResult {
  readonly target: string;
  readonly plan: UninstallPlan;
  readonly dryRun: boolean;
  readonly outcome: 'nothing' | 'dry-run' | 'cancelled' | 'done';
  readonly removed?: RemoveResult;
}

/** uninstall; `deps` stands in for the cluster in tests. */
export function implementation(deps?: ClusterDeps): Implementation<UninstallFlags, UninstallFormat, Validated, UninstallResult> {
  return {
    validate: ({ flags, format }) => {
      if (flags.purge && flags.revision !== undefined) throw new UsageError('-r/--revision and --purge exclude each other: --purge removes every revision');
      if (!flags.purge && flags.revision === undefined) throw new UsageError('say what to remove: -r <revision> (-r default for the unnamed one) or --purge');
      return { ...(flags.revision !== undefined ? { revision: flags.revision } : {}), purge: flags.purge, yes: flags.skipConfirmation, dryRun: flags.dryRun, format };
    },
    run: (ctx, o) => run(ctx, o, deps ?? liveDeps(() => ctx.connectKube())),
    printers: {
      text: printText,
      json: printJsonResult,
    },
    exitCode: (r) => (r.outcome === 'cancelled' || (r.removed?.errors.length ?? 0) > 0 ? ExitCode.Error : ExitCode.OK),
  };
}

async function run(ctx: CommandContext, o: Validated, deps: ClusterDeps): Promise<UninstallResult> {
  const revision = o.revision === 'default' ? '' : o.revision;
  const target = o.purge ? 'every istio-ts installation (--purge)' : `revision ${revision || 'default'}`;
  const kube = await deps.connect();
  const plan = await guard(() => observeUninstall(kube, { ...(revision !== undefined ? { revision } : {}), purge: o.purge }));
  const result = { target, plan, dryRun: o.dryRun };
  // The plan is the result of a dry run (stdout); otherwise it is progress (stderr).
  if (o.format === 'text' && !o.dryRun) ctx.err(renderUninstallPlan(plan, target, ctx.color));
  if (plan.delete.length === 0) {
    if (o.format === 'text') {
      ctx.err(`Nothing to remove: no istio-ts-installed objects for ${target}.\n`);
      // A control plane another installer owns (helm install istiod-<rev>): say who can remove it.
      for (const f of plan.foreign) ctx.err(`${GLYPH.warn} ${f} is still running; remove it with the tool that installed it (helm uninstall <release> -n <namespace>).\n`);
    }
    return { ...result, outcome: 'nothing' };
  }
  if (o.dryRun) return { ...result, outcome: 'dry-run' };
  if (!(await confirm(ctx, `All Istio resources of ${target} will be removed from the cluster. Proceed?`, o.yes))) {
    ctx.err('Cancelled.\n');
    return { ...result, outcome: 'cancelled' };
  }
  const p = painter(ctx.color);
  const ref = (t: { kind: string; namespace?: string; name: string }) => `${t.kind}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
  const removed = await guard(() => executeUninstall(kube, plan, (t, error) => ctx.err(error ? `${glyphs(p).fail} ${ref(t)}: ${error}\n` : `  Removed ${ref(t)}.\n`)));
  if (o.format === 'text' && removed.errors.length === 0) {
    // istio-ts never deletes namespaces: they may hold the user's own objects (cacerts, config).
    const namespaces = [...new Set(plan.delete.map((t) => t.namespace).filter((n): n is string => !!n))].sort();
    if (namespaces.length) ctx.err(`Namespace(s) ${namespaces.join(', ')} left in place; delete them yourself once empty.\n`);
  }
  return { ...result, outcome: 'done', removed };
}

function printText(r: UninstallResult, pc: { color: boolean }): string {
  const plan = r.dryRun ? renderUninstallPlan(r.plan, r.target, pc.color) : '';
  if (r.outcome !== 'done' || !r.removed) return plan;
  const p = painter(pc.color);
  if (r.removed.errors.length) return `${glyphs(p).fail} Uninstall incomplete: ${r.removed.errors.length} object(s) could not be deleted; run the same command again.\n`;
  return `${glyphs(p).ok} Uninstall complete: ${r.removed.deleted.length} object(s) removed.\n`;
}

function printJsonResult(r: UninstallResult): string {
  if (r.outcome === 'cancelled') return '';
  const { plan } = r;
  const base = { target: r.target, delete: plan.delete.map(({ key: _k, ...t }) => t), kept: plan.kept.map((k) => ({ ...k.target, key: undefined, reason: k.reason })), proxies: plan.proxies, foreign: plan.foreign };
  if (r.outcome === 'nothing') return printJson({ ...base, dryRun: r.dryRun, deleted: [] });
  if (r.outcome === 'dry-run' || !r.removed) return printJson({ ...base, dryRun: true });
  const x = r.removed;
  return printJson({ ...base, dryRun: false, deleted: x.deleted.length, alreadyGone: x.alreadyGone.length, errors: x.errors.map((e) => ({ ref: `${e.target.kind}/${e.target.namespace ?? ''}/${e.target.name}`, error: e.error })) });
}

/** The whole command on given options (tests). */
export async function uninstall(ctx: CommandContext, o: UninstallOptions, deps: ClusterDeps): Promise<number> {
  const format = ctx.outputFormat(UNINSTALL_FORMATS, 'text');
  return execute(implementation(deps), ctx, { flags: { revision: o.revision, purge: o.purge, skipConfirmation: o.yes, dryRun: o.dryRun }, args: [], format });
}
