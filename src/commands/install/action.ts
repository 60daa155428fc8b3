import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UserError } from '../../cli/errors.js';
import { injectorConfigMapData } from '../../inject/configmap.js';
import { stampOwnership } from '../../install/apply/ownership.js';
import { executePlan, observeAndPlan, type InstallObserver, type InstallResult } from '../../install/apply/run.js';
import { planErrors, planHasChanges } from '../../install/plan.js';
import { ISTIO_RELEASE } from '../../install/version.js';
import { progressObserver, renderInstallJson, renderInstallSummary, renderNoChanges, renderPlan } from '../../output/install.js';
import { generate, parseSets } from '../../install/generate.js';
import { liveDeps, type ClusterDeps } from '../../install/deps.js';
import { guard } from '../../install/guard.js';
import { confirm, spinnerWidth } from '../../cli/prompt.js';
import { parseDurationFlag } from '../../cli/flags.js';

export interface InstallOptions {
  readonly files: readonly string[];
  readonly sets: readonly string[];
  readonly revision?: string;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly readinessTimeout: string;
  readonly manifests?: string;
}

export async function runInstall(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as { filename: string[]; set: string[]; revision?: string; manifests?: string; skipConfirmation?: boolean; dryRun?: boolean; readinessTimeout: string };
  return install(
    ctx,
    {
      files: o.filename,
      sets: o.set,
      ...(o.revision !== undefined ? { revision: o.revision } : {}),
      ...(o.manifests ? { manifests: o.manifests } : {}),
      yes: o.skipConfirmation === true,
      dryRun: o.dryRun === true,
      readinessTimeout: o.readinessTimeout,
    },
    liveDeps(() => ctx.connectKube()),
  );
}

/** Poll period while waiting for readiness (istioctl polls every 2 s). */
export const POLL_INTERVAL_MS = 2000;

export async function install(ctx: CommandContext, o: InstallOptions, deps: ClusterDeps): Promise<number> {
  // Everything that can be wrong with the input fails here, before any network call.
  const format = ctx.outputFormat(['text', 'json'] as const, 'text');
  const timeoutMs = parseDurationFlag('--readiness-timeout', o.readinessTimeout, 1000);
  parseSets(o.sets);
  if (o.manifests) ctx.err(`Warning: --manifests ${o.manifests} ignored; istio-ts renders from its built-in charts and profiles\n`);
  const gen = await generate({ files: o.files, sets: o.sets, ...(o.revision !== undefined ? { revision: o.revision } : {}), cwd: ctx.io.cwd, readStdin: ctx.io.readStdin }, injectorConfigMapData);
  for (const w of gen.warnings) ctx.err(`Warning: ${w}\n`);
  const revision = gen.install.revision;
  const desired = stampOwnership(gen.objects, revision);
  const header = { profile: gen.install.profile, revision, version: ISTIO_RELEASE, dryRun: o.dryRun };

  const kube = await deps.connect();
  const plan = await guard(() => observeAndPlan(kube, desired, revision));
  const planText = renderPlan(plan, header, ctx.color);
  const errors = planErrors(plan);
  const meta = { profile: header.profile, revision: revision || 'default', version: ISTIO_RELEASE, dryRun: o.dryRun, changes: planHasChanges(plan) };
  if (format === 'json' && (o.dryRun || errors.length)) ctx.out(renderInstallJson(plan, undefined, meta));
  else if (format === 'text') (o.dryRun ? ctx.out.bind(ctx) : ctx.err.bind(ctx))(planText);
  if (errors.length) {
    // Label selectors of Deployments/DaemonSets are immutable; charts of other Istio versions
    // (or another installer) select pods differently, so an in-place take-over cannot work.
    const immutable = errors.find((e) => /spec\.selector.*field is immutable/.test(e.error ?? ''));
    throw new UserError(
      `the API server refused ${errors.length} object(s) in a server-side dry run; nothing was applied`,
      ExitCode.Error,
      immutable
        ? `${immutable.object.kind} ${immutable.object.metadata.namespace}/${immutable.object.metadata.name} was installed with another pod selector, which Kubernetes cannot change in place: install a new revision next to it (-r <rev>) and move workloads over, or delete that ${immutable.object.kind} (its pods stop) and run the same command again.`
        : 'Fix the cause shown above (admission webhook, policy, RBAC) and run the same command again.',
    );
  }
  if (o.dryRun) {
    if (format === 'text' && !planHasChanges(plan)) ctx.out(renderNoChanges(plan));
    return 0;
  }
  const changes = planHasChanges(plan);
  if (!changes && format === 'text') ctx.err(renderNoChanges(plan));
  if (changes && !(await confirm(ctx, `This will install the Istio ${ISTIO_RELEASE} profile "${header.profile}" into the cluster. Proceed?`, o.yes))) {
    ctx.err('Cancelled.\n');
    return ExitCode.Error;
  }
  const started = deps.clock.now();
  const width = spinnerWidth(ctx);
  const observer: InstallObserver = progressObserver((s) => ctx.err(s), {
    color: ctx.color,
    timeoutMs,
    ...(width ? { spinner: await oraSpinner(ctx), width } : {}),
  });
  const result: InstallResult = await guard(() => executePlan(kube, plan, { timeoutMs, intervalMs: POLL_INTERVAL_MS, clock: deps.clock, observer }));
  if (format === 'json') ctx.out(renderInstallJson(plan, result, meta));
  else ctx.out(renderInstallSummary(result, deps.clock.now() - started, ctx.color));
  return result.ok ? 0 : ExitCode.Error;
}

/** ora, loaded only when a terminal will show it. */
async function oraSpinner(ctx: CommandContext) {
  const { default: ora } = await import('ora');
  // discardStdin off: nothing is read from stdin while installing, and ora's stdin handling
  // would keep a paused terminal in raw mode if the process is interrupted.
  return (text: string) => ora({ text, stream: ctx.io.stderr as NodeJS.WriteStream, color: 'cyan', isEnabled: true, discardStdin: false });
}
