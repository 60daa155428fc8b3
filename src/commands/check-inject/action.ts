import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import { parseLabelPairs, parseTarget, type Target } from '../../inject/check.js';
import { withHint } from '../../util/errors.js';
import { checkInjection } from '../../inject/policy.js';
import { gatherFromCluster, gatherFromFiles, type Gathered } from './gather.js';
import { renderJsonReport, renderTableReport, type Report } from './render.js';

interface CheckInjectOptions {
  labels?: string;
  filename: string[];
}

const OUTPUTS = ['table', 'json'] as const;

export async function run(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts<CheckInjectOptions>();
  const arg = cmd.args[0];
  // Validate everything before touching files or the cluster.
  if (cmd.args.length > 1) throw new UsageError('check-inject takes one [<type>/]<name>[.<namespace>]');
  const format = ctx.outputFormat(OUTPUTS, 'table');
  let target: Target | undefined;
  let labels: Record<string, string> | undefined;
  if (arg !== undefined) target = parseTarget(arg);
  if (o.labels !== undefined) labels = parseLabelPairs(o.labels);
  if (target && target.kind !== 'Namespace' && labels) throw new UsageError('-l describes a pod not created yet; it cannot be combined with a pod or workload (use namespace/<name> -l ...)');
  if (!target && !labels && o.filename.length === 0) throw new UsageError('check-inject requires [<type>/]<name>[.<namespace>], or the -l flag', 'e.g. istio-ts check-inject deployment/reviews-v2 -n bookinfo');
  const sel = { ...(target ? { target } : {}), ...(labels ? { labels } : {}), ...(ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}) };

  let gathered: Gathered;
  if (o.filename.length > 0) {
    gathered = await gatherFromFiles(o.filename, sel, ctx.io.readStdin);
  } else {
    const kube = await ctx.connectKube().catch((e: unknown) => {
      throw withHint(e, 'To check manifests without a cluster, pass the webhooks, namespaces and workloads with -f.');
    });
    gathered = await gatherFromCluster(kube, sel, ctx.globals.istioNamespace);
  }
  const reports: Report[] = gathered.targets.map((t) => ({ target: t, result: checkInjection({ webhooks: gathered.webhooks, subject: t.subject, policyFor: gathered.policyFor }) }));
  for (const n of gathered.notes) ctx.err(`Note: ${n}\n`);
  ctx.out(format === 'json' ? renderJsonReport(reports) : renderTableReport(reports, ctx.color));
  return ExitCode.OK;
}
