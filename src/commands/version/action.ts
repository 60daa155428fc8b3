import { execute, type Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError, UserError, describeError } from '../../cli/errors.js';
import { VERSION } from '../../cli/version.js';
import { askEveryIstiod, findIstiods, parseIstiodVersion } from '../../envoy/istiod.js';
import { countVersions, mergeSyncz, parseSyncz } from '../../envoy/syncz.js';
import type { KubeClient } from '../../kube/types.js';
import { hintOf, withContext } from '../../util/errors.js';
import type { ControlPlanePod, VersionReport } from './model.js';
import { renderLong, renderShort, renderStructured } from './render.js';
import { ISTIO_RELEASE } from '../../install/version.js';
import type { VersionFlags, VersionFormat } from './index.js';

export interface VersionOptions {
  readonly short: boolean;
  readonly remote: boolean;
  readonly revision?: string;
  readonly istioNamespace: string;
  readonly timeoutMs: number;
  readonly format: 'text' | 'json' | 'yaml';
}

export interface VersionDeps {
  readonly connect: () => Promise<KubeClient>;
}

/** The report, and the failure to raise once it is printed (the client version always prints). */
interface Result {
  readonly value: VersionReport;
  readonly short: boolean;
  readonly failure?: Error;
}

/** version; `deps` stands in for the cluster in tests. */
export function implementation(deps?: VersionDeps): Implementation<VersionFlags, VersionFormat, VersionOptions, Result> {
  return {
    validate: ({ flags: f, format }, ctx) => ({ short: f.short, remote: f.remote, ...(f.revision ? { revision: f.revision } : {}), istioNamespace: ctx.globals.istioNamespace, timeoutMs: f.timeout, format }),
    run: async (ctx, o) => ({ ...(await gather(ctx, o, deps ?? { connect: () => ctx.connectKube() })), short: o.short }),
    printers: {
      text: (r) => (r.short ? renderShort(r.value) : renderLong(r.value)),
      json: (r) => renderStructured(r.value, 'json'),
      yaml: (r) => renderStructured(r.value, 'yaml'),
    },
    exitCode: () => ExitCode.OK,
    // The client version is printed; the failure follows, through the one error map.
    failure: (r) => r.failure,
  };
}

/** The whole command on given options (tests): exit code as main would give it. */
export async function version(ctx: CommandContext, o: VersionOptions, deps: VersionDeps): Promise<number> {
  try {
    return await execute(implementation(deps), ctx, { flags: { short: o.short, remote: o.remote, revision: o.revision, timeout: o.timeoutMs }, args: [], format: o.format });
  } catch (e) {
    const d = describeError(e);
    ctx.err(`Error: ${d.message}\n`);
    if (d.hint) ctx.err(`${d.hint}\n`);
    return d.exitCode;
  }
}

async function gather(ctx: CommandContext, o: VersionOptions, deps: VersionDeps): Promise<{ value: VersionReport; failure?: Error }> {
  const base: VersionReport = { client: { version: VERSION, istioVersion: ISTIO_RELEASE }, remote: o.remote, controlPlane: [], dataPlaneRead: false, proxies: [], dataPlaneVersions: [], errors: [] };
  if (!o.remote) return { value: base };
  let kube: KubeClient;
  let pods;
  try {
    kube = await deps.connect();
    pods = await findIstiods(kube, o.istioNamespace, o.revision);
  } catch (e) {
    return { value: base, failure: withContext(e, 'cannot read the control plane', hintOf(e) ?? 'Use --remote=false for the client version only.') };
  }
  if (pods.length === 0) {
    // istioctl's wording: not an error, the answer is "no control plane".
    ctx.err(`Istio is not present in the cluster: no running istiod pod${o.revision ? ` of revision "${o.revision}"` : ''} in namespace "${o.istioNamespace}"\n`);
    return { value: base };
  }
  const errors: { istiod: string; message: string }[] = [];
  const versions = await askEveryIstiod(kube, pods, 'version', (t) => parseIstiodVersion(t), { timeoutMs: o.timeoutMs });
  const controlPlane: ControlPlanePod[] = [];
  for (const v of versions) {
    if (v.ok) controlPlane.push({ pod: v.istiod.name, revision: v.istiod.revision, info: v.value });
    else errors.push({ istiod: v.istiod.name, message: v.error });
  }
  const answered = pods.filter((p) => controlPlane.some((c) => c.pod === p.name));
  const syncz = await askEveryIstiod(kube, answered, 'debug/syncz', (t, p) => parseSyncz(t, p.name, p.revision), { timeoutMs: o.timeoutMs });
  for (const s of syncz) if (!s.ok) errors.push({ istiod: s.istiod.name, message: s.error });
  const reports = syncz.flatMap((s) => (s.ok ? [s.value] : []));
  // A proxy's revision is its istiod's (istio.io/rev of the pod that reports it; parseSyncz sets it).
  const proxies = mergeSyncz(reports);
  for (const e of errors) ctx.err(`Error: istiod ${e.istiod}: ${e.message}\n`);
  const value: VersionReport = { ...base, controlPlane, dataPlaneRead: reports.length > 0, proxies, dataPlaneVersions: countVersions(proxies.map((p) => p.version)), errors };
  if (controlPlane.length === 0) return { value, failure: new UserError(`no istiod answered /version (${pods.length} pod${pods.length === 1 ? '' : 's'} tried)`) };
  return { value };
}
