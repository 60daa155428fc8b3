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

/** Validates pod / -f / -l, the admin port and --timeout; opens the sources (files or port-forwards). */
export async function openAdmins(ctx: CommandContext, cmd: Command, name: string, opts: { allowSelector?: boolean } = {}): Promise<EnvoyAdmin[]> {
  const o = cmd.optsWithGlobals() as AdminCommonOptions;
  const pod = cmd.args[0];
  validateSource(name, { ...(o.file ? { file: o.file } : {}), ...(pod ? { pod } : {}), ...(o.selector ? { selector: o.selector } : {}) }, opts.allowSelector ?? false);
  const adminPort = parsePort('--proxy-admin-port', o.proxyAdminPort ?? '15000') ?? 15000;
  const timeoutMs = parseDurationFlag('--timeout', o.timeout ?? '30s', 1);
  return openSources({
    ...(o.file ? { file: o.file } : {}),
    ...(pod ? { pod } : {}),
    ...(o.selector ? { selector: o.selector } : {}),
    ...(ctx.globals.namespace ? { namespace: ctx.globals.namespace } : {}),
    adminPort,
    timeoutMs,
    readStdin: ctx.io.readStdin,
    kube: async () => {
      return ctx.connectKube();
    },
  });
}

/** Closes every source whatever happens. */
export async function withAdmins<T>(admins: EnvoyAdmin[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await Promise.all(admins.map((a) => a.close().catch(() => undefined)));
  }
}
