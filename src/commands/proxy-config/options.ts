/** Flag parsing shared by the proxy-config and proxy-stats subcommands; errors are usage errors. */
import type { Command } from 'commander';
import { UsageError, UserError, ExitCode } from '../../cli/errors.js';
import type { CommandContext } from '../../cli/context.js';
import { AdminError, type EnvoyAdmin } from '../../envoy/admin.js';
import { parseFlagDuration } from '../../cli/flags.js';
import { ConfigDumpError, MissingSectionError } from '../../envoy/configdump.js';
import { LogLevelError } from '../../envoy/logging.js';
import { openSources, SourceError, validateSource } from '../../envoy/source.js';
import { PodRefError } from '../../kube/podref.js';
import { KubeError } from '../../kube/types.js';

import { parsePort } from '../../cli/flags.js';

export { parseBoolFlag, parsePort } from '../../cli/flags.js';

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
  try {
    validateSource(name, { ...(o.file ? { file: o.file } : {}), ...(pod ? { pod } : {}), ...(o.selector ? { selector: o.selector } : {}) }, opts.allowSelector ?? false);
  } catch (e) {
    throw asUserError(e);
  }
  const adminPort = parsePort('--proxy-admin-port', o.proxyAdminPort ?? '15000') ?? 15000;
  const timeoutMs = parseFlagDuration(o.timeout ?? '30s');
  if (timeoutMs === undefined || timeoutMs <= 0) throw new UsageError(`--timeout: "${o.timeout}" is not a duration (e.g. 30s, 2m)`);
  try {
    return await openSources({
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
  } catch (e) {
    throw asUserError(e);
  }
}

/** Turns the envoy/kube layer's typed errors into messages without stack traces. */
export function asUserError(e: unknown): unknown {
  if (e instanceof SourceError) {
    const code = e.kind === 'usage' ? ExitCode.Usage : e.kind === 'noinput' ? ExitCode.NoInput : ExitCode.Error;
    return new UserError(e.message, code, e.hint);
  }
  if (e instanceof PodRefError) return new UsageError(e.message);
  if (e instanceof LogLevelError) return new UserError(e.message, ExitCode.Error);
  if (e instanceof AdminError) return new UserError(e.message, ExitCode.Error, e.hint);
  if (e instanceof MissingSectionError) return new UserError(e.message, ExitCode.Error, e.hint);
  if (e instanceof ConfigDumpError) return new UserError(e.message, ExitCode.DataErr);
  if (e instanceof KubeError) return new UserError(e.message, ExitCode.Error, e.status === 401 || e.status === 403 ? 'Check your kubeconfig credentials and RBAC (pods/portforward).' : undefined);
  return e;
}

/** Closes every source whatever happens. */
export async function withAdmins<T>(admins: EnvoyAdmin[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asUserError(e);
  } finally {
    await Promise.all(admins.map((a) => a.close().catch(() => undefined)));
  }
}
