/** Envoy admin sources from the flags proxy-config, proxy-stats and capture share; errors are usage errors. */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import type { EnvoyAdmin } from '../envoy/admin.js';
import { parseDurationFlag, parsePort } from './flags.js';
import { openSources, validateSource } from '../envoy/source.js';

export interface AdminCommonOptions {
  file?: string | string[];
  selector?: string;
  proxyAdminPort?: string;
  timeout?: string;
}

/** Where the Envoy admin responses come from, as the flags give it (typed by the flag table). */
export interface AdminSourceFlags {
  readonly pod?: string | undefined;
  readonly file?: string | string[] | undefined;
  readonly selector?: string | undefined;
  readonly adminPort: number;
  readonly timeoutMs: number;
}

/** Validates pod / -f / -l; opens the sources (files or port-forwards). */
export async function openAdminSources(ctx: CommandContext, s: AdminSourceFlags, name: string, opts: { allowSelector?: boolean } = {}): Promise<EnvoyAdmin[]> {
  validateSource(name, { ...(s.file ? { file: s.file } : {}), ...(s.pod ? { pod: s.pod } : {}), ...(s.selector ? { selector: s.selector } : {}) }, opts.allowSelector ?? false);
  return openSources({
    ...(s.file ? { file: s.file } : {}),
    ...(s.pod ? { pod: s.pod } : {}),
    ...(s.selector ? { selector: s.selector } : {}),
    ...(ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}),
    adminPort: s.adminPort,
    timeoutMs: s.timeoutMs,
    readStdin: ctx.io.readStdin,
    kube: () => ctx.connectKube(),
  });
}

/** openAdminSources from commander's raw options (commands not yet declared with a flag table). */
export async function openAdmins(ctx: CommandContext, cmd: Command, name: string, opts: { allowSelector?: boolean } = {}): Promise<EnvoyAdmin[]> {
  const o = cmd.optsWithGlobals() as AdminCommonOptions;
  const pod = cmd.args[0];
  validateSource(name, { ...(o.file ? { file: o.file } : {}), ...(pod ? { pod } : {}), ...(o.selector ? { selector: o.selector } : {}) }, opts.allowSelector ?? false);
  const adminPort = parsePort('--proxy-admin-port', o.proxyAdminPort ?? '15000') ?? 15000;
  const timeoutMs = parseDurationFlag('--timeout', o.timeout ?? '30s', 1);
  return openAdminSources(ctx, { ...(o.file ? { file: o.file } : {}), ...(pod ? { pod } : {}), ...(o.selector ? { selector: o.selector } : {}), adminPort, timeoutMs }, name, opts);
}

/** Closes every source whatever happens. */
export async function withAdmins<T>(admins: EnvoyAdmin[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await Promise.all(admins.map((a) => a.close().catch(() => undefined)));
  }
}
