import { fsp } from '../../util/lazy-fs.js';
import { basename } from 'node:path';
import type { Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, UsageError, UserError } from '../../cli/errors.js';
import { AdminError, PortForwardAdmin } from '../../envoy/admin.js';
import type { DumpComparison } from '../../envoy/compare.js';
import type { ConfigDump } from '../../envoy/configdump.js';
import { askEveryIstiod, findIstiods, parseIstiodVersion, type IstiodPod } from '../../envoy/istiod.js';
import { mergeSyncz, parseSyncz, SynczError, versionSkew, type ProxySync, type SynczReport } from '../../envoy/syncz.js';
import { parsePodRef, PodRefError, resolvePod } from '../../kube/podref.js';
import { KubeError, type KubeClient } from '../../kube/types.js';
import type { ProxyStatusFlags } from './index.js';
import { renderComparison, renderNacks, renderSkew, renderStatusTable, renderStructured, renderVerboseTable } from './render.js';

const OUTPUTS = ['table', 'json', 'yaml'] as const;
type Format = (typeof OUTPUTS)[number];

export interface ProxyStatusOptions {
  readonly pod?: string;
  readonly namespace?: string;
  readonly istioNamespace: string;
  readonly revision?: string;
  readonly file?: string;
  readonly istiodFile?: string;
  readonly synczFiles: readonly string[];
  readonly adminPort: number;
  readonly timeoutMs: number;
  readonly format: Format;
  /** istioctl's -v: 0 the SUBSCRIBED TYPES table, 1 (max) one column per xDS type. */
  readonly verbosity: number;
  /** The clock the per-type table's ages are measured against. */
  readonly now: Date;
}

export interface ProxyStatusDeps {
  /** Builds the cluster client; called only when the cluster is needed. */
  readonly connect: () => Promise<KubeClient>;
}

/** Every proxy's sync state, or one proxy's config compared with istiod's. */
export type Result =
  | { readonly kind: 'list'; readonly status: StatusResult; readonly verbosity: number; readonly now: Date }
  | { readonly kind: 'diff'; readonly cmp: DumpComparison; readonly proxy: string; readonly istiod: string };

/** proxy-status; `deps` stands in for the cluster in tests. */
export function implementation(deps?: ProxyStatusDeps): Implementation<ProxyStatusFlags, Format, ProxyStatusOptions, Result> {
  return {
    validate: ({ flags: f, args, format }, ctx) => {
      const pod = args[0];
      if (!/^\d+$/.test(f.verbosity)) throw new UsageError(`--verbosity: "${f.verbosity}" is not a level (0 = default, 1 = every xDS type)`);
      const pinned = ctx.io.env.ISTIO_TS_NOW;
      const now = pinned ? new Date(pinned) : new Date();
      if (Number.isNaN(now.getTime())) throw new UsageError(`ISTIO_TS_NOW: "${pinned}" is not a date`);
      const o: ProxyStatusOptions = {
        ...(pod ? { pod } : {}),
        ...(ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}),
        istioNamespace: ctx.globals.istioNamespace,
        ...(f.revision ? { revision: f.revision } : {}),
        ...(f.file ? { file: f.file } : {}),
        ...(f.istiodFile ? { istiodFile: f.istiodFile } : {}),
        synczFiles: f.synczFile,
        adminPort: f.proxyAdminPort ?? 15000,
        timeoutMs: f.timeout,
        format,
        verbosity: Number(f.verbosity),
        now,
      };
      validate(o);
      return o;
    },
    run: (ctx, o) => {
      const d = deps ?? { connect: () => ctx.connectKube() };
      return o.pod || o.file || o.istiodFile ? diffOne(ctx, o, d) : listAll(ctx, o, d);
    },
    printers: {
      table: (r) =>
        r.kind === 'diff'
          ? renderComparison(r.cmp)
          : (r.verbosity > 0 ? renderVerboseTable(r.status.proxies, r.now) : renderStatusTable(r.status.proxies)) + renderNacks(r.status.proxies) + renderSkew(r.status.skew),
      json: (r) => structured(r, 'json'),
      yaml: (r) => structured(r, 'yaml'),
    },
    exitCode: () => ExitCode.OK,
  };
}

function structured(r: Result, format: 'json' | 'yaml'): Promise<string> {
  return r.kind === 'diff' ? renderStructured({ proxy: r.proxy, istiod: r.istiod, ...r.cmp }, format) : renderStructured(r.status, format);
}

/** Checks the flag combination; no file or cluster access. */
export function validate(o: ProxyStatusOptions): void {
  const single = Boolean(o.pod || o.file || o.istiodFile);
  if (single && o.synczFiles.length > 0) throw new UsageError('--syncz-file lists every proxy; it does not go with POD, -f or --istiod-file');
  if (o.file && !o.pod && !o.istiodFile) throw new UsageError('-f needs POD (to ask istiod for its config) or --istiod-file');
  if (o.istiodFile && !o.pod && !o.file) throw new UsageError('--istiod-file needs POD or -f (the Envoy side)');
  // A malformed reference is a usage error (PodRefError), before any cluster call.
  if (o.pod) parsePodRef(o.pod, o.namespace ?? 'default');
}

/** The whole command on given options (tests). */
export async function proxyStatus(ctx: CommandContext, o: ProxyStatusOptions, deps: ProxyStatusDeps): Promise<number> {
  validate(o);
  const impl = implementation(deps);
  const r = await impl.run(ctx, o);
  ctx.out(await impl.printers[o.format](r, { color: ctx.color }));
  return impl.exitCode(r);
}

async function readInput(ctx: CommandContext, f: string): Promise<string> {
  try {
    return f === '-' ? await ctx.io.readStdin() : (await fsp().readFile(f)).toString('utf8');
  } catch (e) {
    throw new UserError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, ExitCode.NoInput);
  }
}

function noIstiod(o: ProxyStatusOptions): UserError {
  return new UserError(
    `no running istiod pod${o.revision ? ` of revision "${o.revision}"` : ''} in namespace ${o.istioNamespace}`,
    ExitCode.Error,
    'Is Istio installed? Pass -i/--istioNamespace if the control plane runs elsewhere, or -r for a revision.',
  );
}

// ---------------------------------------------------------------- every proxy

export interface StatusResult {
  readonly proxies: readonly ProxySync[];
  readonly istiods: readonly { name: string; revision?: string; version?: string; error?: string }[];
  readonly skew: ReturnType<typeof versionSkew>;
}

async function listAll(ctx: CommandContext, o: ProxyStatusOptions, deps: ProxyStatusDeps): Promise<Result> {
  const reports: SynczReport[] = [];
  const istiods: { name: string; revision?: string; version?: string; error?: string }[] = [];
  if (o.synczFiles.length > 0) {
    for (const f of o.synczFiles) {
      const r = parseSyncz(await readInput(ctx, f), f === '-' ? '<stdin>' : basename(f));
      reports.push(r);
      istiods.push({ name: f === '-' ? '<stdin>' : basename(f), ...(r.istiodVersion ? { version: r.istiodVersion } : {}) });
    }
  } else {
    const kube = await deps.connect();
    const pods = await findIstiods(kube, o.istioNamespace, o.revision);
    if (pods.length === 0) throw noIstiod(o);
    const answers = await askEveryIstiod(kube, pods, 'debug/syncz', (text, p) => parseSyncz(text, p.name, p.revision), { timeoutMs: o.timeoutMs });
    for (const a of answers) {
      if (a.ok) {
        reports.push(a.value);
        istiods.push({ name: a.istiod.name, revision: a.istiod.revision, ...(a.value.istiodVersion ? { version: a.value.istiodVersion } : {}) });
      } else {
        ctx.err(`Error: istiod ${a.istiod.name}.${a.istiod.namespace}: ${stripTarget(a.error, a.istiod)}\n`);
        istiods.push({ name: a.istiod.name, revision: a.istiod.revision, error: a.error });
      }
    }
    if (reports.length === 0) {
      throw new UserError(`no istiod answered /debug/syncz (${pods.length} pod${pods.length === 1 ? '' : 's'} tried)`, ExitCode.Error, firstHint(answers));
    }
    // The syncz list does not carry istiod's own version; /version does, and `version` needs it too.
    const versions = await askEveryIstiod(kube, pods.filter((p) => istiods.some((i) => i.name === p.name && !i.error)), 'version', (t) => t, { timeoutMs: o.timeoutMs });
    for (const v of versions) {
      if (!v.ok) continue;
      const entry = istiods.find((i) => i.name === v.istiod.name);
      if (entry && !entry.version) entry.version = parseIstiodVersion(v.value).version;
    }
  }
  // Each proxy talks to the revision of the istiod that reports it (parseSyncz sets it).
  const proxies = mergeSyncz(reports, o.namespace);
  const skew = versionSkew(
    istiods.filter((i) => !i.error).map((i) => i.version ?? ''),
    proxies,
  );
  const status: StatusResult = { proxies, istiods, skew };
  return { kind: 'list', status, verbosity: o.verbosity, now: o.now };
}

function firstHint(answers: readonly { ok: boolean; hint?: string }[]): string | undefined {
  return answers.find((a) => !a.ok && a.hint)?.hint;
}

/** PortForwardAdmin messages start with "<pod>.<ns>: "; the caller already names the pod. */
function stripTarget(msg: string, p: IstiodPod): string {
  const prefix = `${p.name}.${p.namespace}: `;
  return msg.startsWith(prefix) ? msg.slice(prefix.length) : msg;
}

// ---------------------------------------------------------------- one proxy

async function diffOne(ctx: CommandContext, o: ProxyStatusOptions, deps: ProxyStatusDeps): Promise<Result> {
  // The dump parser (and yaml with it) loads for this mode only: listing every proxy needs neither.
  const [{ parseConfigDump }, { compareDumps }] = await Promise.all([import('../../envoy/configdump.js'), import('../../envoy/compare.js')]);
  let kube: KubeClient | undefined;
  const cluster = async () => (kube ??= await deps.connect());
  let podName: { name: string; namespace: string } | undefined;
  if (o.pod) {
    const k = await cluster();
    podName = await resolvePod(k, parsePodRef(o.pod, o.namespace ?? k.defaultNamespace));
  }
  const proxyID = podName ? `${podName.name}.${podName.namespace}` : '';

  // The Envoy side: a saved dump, or the pod's admin port.
  let envoy: ConfigDump;
  if (o.file) envoy = parseConfigDump(await readInput(ctx, o.file), o.file);
  else {
    const admin = new PortForwardAdmin(await cluster(), podName!, { port: o.adminPort, timeoutMs: o.timeoutMs });
    try {
      envoy = parseConfigDump(await admin.get('config_dump'), admin.target);
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  // The istiod side: a saved dump, or the first istiod the proxy is connected to.
  let istiod: ConfigDump;
  let istiodName: string;
  if (o.istiodFile) {
    istiod = parseConfigDump(await readInput(ctx, o.istiodFile), o.istiodFile);
    istiodName = o.istiodFile;
  } else {
    const k = await cluster();
    const pods = await findIstiods(k, o.istioNamespace, o.revision);
    if (pods.length === 0) throw noIstiod(o);
    const answers = await askEveryIstiod(k, pods, `debug/config_dump?proxyID=${encodeURIComponent(proxyID)}`, (t, p) => parseConfigDump(t, `istiod ${p.name}`), { timeoutMs: o.timeoutMs });
    const hit = answers.find((a) => a.ok);
    if (!hit || !hit.ok) {
      // Every replica but the proxy's own answers 404 "Proxy not connected to this Pilot instance".
      const why = answers.map((a) => (a.ok ? '' : `  ${a.istiod.name}: ${stripTarget(a.error, a.istiod)}`)).join('\n');
      throw new UserError(`no istiod has a config for ${proxyID} (is its sidecar connected?)\n${why}`, ExitCode.Error, `Check the proxy's sync state: istio-ts proxy-status -n ${podName!.namespace}`);
    }
    istiod = hit.value;
    istiodName = hit.istiod.name;
  }

  const cmp: DumpComparison = compareDumps(istiod, envoy);
  return { kind: 'diff', cmp, proxy: proxyID || o.file || '', istiod: istiodName };
}
