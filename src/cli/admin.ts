/** Envoy admin sources from the flags proxy-config, proxy-stats and capture share; errors are usage errors. */
import type { CommandContext } from './context.js';
import type { EnvoyAdmin } from '../envoy/admin.js';
import { openSources, validateSource } from '../envoy/source.js';

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

/** Closes every source whatever happens. */
export async function withAdmins<T>(admins: EnvoyAdmin[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await Promise.all(admins.map((a) => a.close().catch(() => undefined)));
  }
}
