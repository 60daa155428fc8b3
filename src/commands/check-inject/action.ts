import type { Implementation } from '../../cli/command.js';
import { ExitCode, UsageError } from '../../cli/errors.js';
import { parseLabelPairs, parseTarget, type Target } from '../../inject/check.js';
import { checkInjection } from '../../inject/policy.js';
import { withHint } from '../../util/errors.js';
import { gatherFromCluster, gatherFromFiles, type Gathered, type Selection } from './gather.js';
import { renderJsonReport, renderTableReport, type Report } from './render.js';
import type { CheckInjectFlags, CheckInjectFormat } from './index.js';

interface Options {
  readonly files: readonly string[];
  readonly selection: Selection;
}

export const implementation: Implementation<CheckInjectFlags, CheckInjectFormat, Options, Report[]> = {
  // Everything is validated before touching files or the cluster.
  validate: ({ flags, args }, ctx) => {
    if (args.length > 1) throw new UsageError('check-inject takes one [<type>/]<name>[.<namespace>]');
    const arg = args[0];
    let target: Target | undefined;
    let labels: Record<string, string> | undefined;
    if (arg !== undefined) target = parseTarget(arg);
    if (flags.labels !== undefined) labels = parseLabelPairs(flags.labels);
    if (target && target.kind !== 'Namespace' && labels) throw new UsageError('-l describes a pod not created yet; it cannot be combined with a pod or workload (use namespace/<name> -l ...)');
    if (!target && !labels && flags.filename.length === 0) throw new UsageError('check-inject requires [<type>/]<name>[.<namespace>], or the -l flag', 'e.g. istio-ts check-inject deployment/reviews-v2 -n bookinfo');
    return { files: flags.filename, selection: { ...(target ? { target } : {}), ...(labels ? { labels } : {}), ...(ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}) } };
  },
  run: async (ctx, o) => {
    let gathered: Gathered;
    if (o.files.length > 0) {
      gathered = await gatherFromFiles(o.files, o.selection, ctx.io.readStdin);
    } else {
      const kube = await ctx.connectKube().catch((e: unknown) => {
        throw withHint(e, 'To check manifests without a cluster, pass the webhooks, namespaces and workloads with -f.');
      });
      gathered = await gatherFromCluster(kube, o.selection, ctx.globals.istioNamespace);
    }
    const reports = gathered.targets.map((t) => ({ target: t, result: checkInjection({ webhooks: gathered.webhooks, subject: t.subject, policyFor: gathered.policyFor }) }));
    // policyFor notes the injector ConfigMaps it could not read while the verdicts are made.
    for (const n of gathered.notes) ctx.err(`Note: ${n}\n`);
    return reports;
  },
  printers: {
    table: (reports, p) => renderTableReport(reports, p.color),
    json: (reports) => renderJsonReport(reports),
  },
  exitCode: () => ExitCode.OK,
};
