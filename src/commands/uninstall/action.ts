import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import { executeUninstall, observeUninstall } from '../../install/apply/remove.js';
import { painter } from '../../output/paint.js';
import { renderUninstallPlan } from '../../output/install.js';
import { guard } from '../install/action.js';
import { confirm, liveDeps, type ClusterDeps } from '../install/shared.js';

export interface UninstallOptions {
  readonly revision?: string;
  readonly purge: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
}

export async function runUninstall(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as { revision?: string; purge?: boolean; skipConfirmation?: boolean; dryRun?: boolean };
  return uninstall(ctx, { ...(o.revision !== undefined ? { revision: o.revision } : {}), purge: o.purge === true, yes: o.skipConfirmation === true, dryRun: o.dryRun === true }, liveDeps(ctx));
}

export async function uninstall(ctx: CommandContext, o: UninstallOptions, deps: ClusterDeps): Promise<number> {
  const format = ctx.outputFormat(['text', 'json'] as const, 'text');
  if (o.purge && o.revision !== undefined) throw new UsageError('-r/--revision and --purge exclude each other: --purge removes every revision');
  if (!o.purge && o.revision === undefined) throw new UsageError('say what to remove: -r <revision> (-r default for the unnamed one) or --purge');
  const revision = o.revision === 'default' ? '' : o.revision;
  const target = o.purge ? 'every istio-ts installation (--purge)' : `revision ${revision || 'default'}`;
  const kube = await deps.connect();
  const plan = await guard(() => observeUninstall(kube, { ...(revision !== undefined ? { revision } : {}), purge: o.purge }));
  const json = (extra: Record<string, unknown>) =>
    ctx.out(`${JSON.stringify({ target, delete: plan.delete.map(({ key: _k, ...t }) => t), kept: plan.kept.map((k) => ({ ...k.target, key: undefined, reason: k.reason })), proxies: plan.proxies, foreign: plan.foreign, ...extra }, null, 2)}\n`);
  if (format === 'text') (o.dryRun ? ctx.out.bind(ctx) : ctx.err.bind(ctx))(renderUninstallPlan(plan, target, ctx.color));
  if (plan.delete.length === 0) {
    if (format === 'json') json({ dryRun: o.dryRun, deleted: [] });
    else ctx.err(`Nothing to remove: no istio-ts-installed objects for ${target}.\n`);
    // A control plane another installer owns (helm install istiod-<rev>): say who can remove it.
    if (format === 'text') for (const f of plan.foreign) ctx.err(`‼ ${f} is still running; remove it with the tool that installed it (helm uninstall <release> -n <namespace>).\n`);
    return 0;
  }
  if (o.dryRun) {
    if (format === 'json') json({ dryRun: true });
    return 0;
  }
  if (!(await confirm(ctx, `All Istio resources of ${target} will be removed from the cluster. Proceed?`, o.yes))) {
    ctx.err('Cancelled.\n');
    return ExitCode.Error;
  }
  const p = painter(ctx.color);
  const r = await guard(() =>
    executeUninstall(kube, plan, (t, error) => ctx.err(error ? `${p.error('✘')} ${t.kind}/${t.namespace ? `${t.namespace}/` : ''}${t.name}: ${error}\n` : `  Removed ${t.kind}/${t.namespace ? `${t.namespace}/` : ''}${t.name}.\n`)),
  );
  if (format === 'json') json({ dryRun: false, deleted: r.deleted.length, alreadyGone: r.alreadyGone.length, errors: r.errors.map((e) => ({ ref: `${e.target.kind}/${e.target.namespace ?? ''}/${e.target.name}`, error: e.error })) });
  else if (r.errors.length) ctx.out(`${p.error('✘')} Uninstall incomplete: ${r.errors.length} object(s) could not be deleted; run the same command again.\n`);
  else {
    ctx.out(`${p.ok('✔')} Uninstall complete: ${r.deleted.length} object(s) removed.\n`);
    // istio-ts never deletes namespaces: they may hold the user's own objects (cacerts, config).
    const namespaces = [...new Set(plan.delete.map((t) => t.namespace).filter((n): n is string => !!n))].sort();
    if (format === 'text' && namespaces.length) ctx.err(`Namespace(s) ${namespaces.join(', ')} left in place; delete them yourself once empty.\n`);
  }
  return r.errors.length ? ExitCode.Error : 0;
}
