import { execute, type Implementation } from '../../cli/command.js';
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
import { INSTALL_FORMATS, type InstallFlags, type InstallFormat } from './index.js';

export interface InstallOptions {
  readonly files: readonly string[];
  readonly sets: readonly string[];
  readonly revision?: string;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly readinessTimeout: string;
  readonly manifests?: string;
}

interface Validated {
  readonly files: readonly string[];
  readonly sets: readonly string[];
  readonly revision?: string | undefined;
  readonly manifests?: string | undefined;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly timeoutMs: number;
  readonly format: InstallFormat;
}

type Plan = Awaited<ReturnType<typeof observeAndPlan>>;
type Meta = Parameters<typeof renderInstallJson>[2];

/** How an install ended: refused by the API server's dry run, a dry run, cancelled, or applied. */
type Result = { readonly plan: Plan; readonly meta: Meta; readonly planText: string; readonly dryRun: boolean } & (
  | { readonly outcome: 'refused'; readonly error: UserError }
  | { readonly outcome: 'dry-run' }
  | { readonly outcome: 'cancelled' }
  | { readonly outcome: 'done'; readonly result: InstallResult; readonly elapsedMs: number }
);

/** Poll period while waiting for readiness (istioctl polls every 2 s). */
export const POLL_INTERVAL_MS = 2000;

/** install; `deps` stands in for the cluster and the clock in tests. */
export function implementation(deps?: ClusterDeps): Implementation<InstallFlags, InstallFormat, Validated, Result> {
  return {
    // Everything that can be wrong with the input fails here, before any network call.
    validate: ({ flags: f, format }) => {
      parseSets(f.set);
      return { files: f.filename, sets: f.set, revision: f.revision, manifests: f.manifests, yes: f.skipConfirmation, dryRun: f.dryRun, timeoutMs: f.readinessTimeout, format };
    },
    run: (ctx, o) => run(ctx, o, deps ?? liveDeps(() => ctx.connectKube())),
    printers: {
      text: (r, p) => {
        if (r.outcome === 'done') return renderInstallSummary(r.result, r.elapsedMs, p.color);
        // A dry run's plan is its result (stdout); otherwise the plan was progress on stderr.
        if (!r.dryRun) return '';
        return r.planText + (r.outcome === 'dry-run' && !planHasChanges(r.plan) ? renderNoChanges(r.plan) : '');
      },
      json: (r) => (r.outcome === 'done' ? renderInstallJson(r.plan, r.result, r.meta) : r.outcome === 'cancelled' ? '' : renderInstallJson(r.plan, undefined, r.meta)),
    },
    exitCode: (r) => (r.outcome === 'cancelled' || (r.outcome === 'done' && !r.result.ok) ? ExitCode.Error : ExitCode.OK),
    failure: (r) => (r.outcome === 'refused' ? r.error : undefined),
  };
}

async function run(ctx: CommandContext, o: Validated, deps: ClusterDeps): Promise<Result> {
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
  const base = { plan, meta, planText, dryRun: o.dryRun };
  if (o.format === 'text' && !o.dryRun) ctx.err(planText);
  if (errors.length) {
    // Label selectors of Deployments/DaemonSets are immutable; charts of other Istio versions
    // (or another installer) select pods differently, so an in-place take-over cannot work.
    const immutable = errors.find((e) => /spec\.selector.*field is immutable/.test(e.error ?? ''));
    const error = new UserError(
      `the API server refused ${errors.length} object(s) in a server-side dry run; nothing was applied`,
      ExitCode.Error,
      immutable
        ? `${immutable.object.kind} ${immutable.object.metadata.namespace}/${immutable.object.metadata.name} was installed with another pod selector, which Kubernetes cannot change in place: install a new revision next to it (-r <rev>) and move workloads over, or delete that ${immutable.object.kind} (its pods stop) and run the same command again.`
        : 'Fix the cause shown above (admission webhook, policy, RBAC) and run the same command again.',
    );
    return { ...base, outcome: 'refused', error };
  }
  if (o.dryRun) return { ...base, outcome: 'dry-run' };
  const changes = planHasChanges(plan);
  if (!changes && o.format === 'text') ctx.err(renderNoChanges(plan));
  if (changes && !(await confirm(ctx, `This will install the Istio ${ISTIO_RELEASE} profile "${header.profile}" into the cluster. Proceed?`, o.yes))) {
    ctx.err('Cancelled.\n');
    return { ...base, outcome: 'cancelled' };
  }
  const started = deps.clock.now();
  const width = spinnerWidth(ctx);
  const observer: InstallObserver = progressObserver((s) => ctx.err(s), {
    color: ctx.color,
    timeoutMs: o.timeoutMs,
    ...(width ? { spinner: await oraSpinner(ctx), width } : {}),
  });
  const result: InstallResult = await guard(() => executePlan(kube, plan, { timeoutMs: o.timeoutMs, intervalMs: POLL_INTERVAL_MS, clock: deps.clock, observer }));
  return { ...base, outcome: 'done', result, elapsedMs: deps.clock.now() - started };
}

/** The whole command on given options (tests): the same flag rules as the command line. */
export async function install(ctx: CommandContext, o: InstallOptions, deps: ClusterDeps): Promise<number> {
  const format = ctx.outputFormat(INSTALL_FORMATS, 'text');
  const timeoutMs = parseDurationFlag('--readiness-timeout', o.readinessTimeout, 1000);
  return execute(implementation(deps), ctx, {
    flags: { filename: [...o.files], set: [...o.sets], revision: o.revision, manifests: o.manifests, skipConfirmation: o.yes, dryRun: o.dryRun, readinessTimeout: timeoutMs },
    args: [],
    format,
  });
}

/** ora, loaded only when a terminal will show it. */
async function oraSpinner(ctx: CommandContext) {
  const { default: ora } = await import('ora');
  // discardStdin off: nothing is read from stdin while installing, and ora's stdin handling
  // would keep a paused terminal in raw mode if the process is interrupted.
  return (text: string) => ora({ text, stream: ctx.io.stderr as NodeJS.WriteStream, color: 'cyan', isEnabled: true, discardStdin: false });
}
