import { KindError, hintOf, kindOf, messageOf, type ErrorKind } from '../util/errors.js';

export { KindError, withContext, type ErrorKind } from '../util/errors.js';

/**
 * Exit codes, in one place (istioctl's sysexits.go, plus EX_NOINPUT):
 *   0  success
 *   1  any other error
 *   64 usage error: bad flag, unknown command, bad flag value (EX_USAGE)
 *   65 some input could not be parsed (EX_DATAERR)
 *   66 an input file does not exist or cannot be read (EX_NOINPUT)
 *   79 analyze found issues at or above --failure-threshold
 *   80 diagnose attributed a fault to a segment of the request path (0 when it found none)
 *   81 health: a segment FAILs; 82 a segment is DEGRADED (none fails); 83 cannot tell (a segment
 *      is UNKNOWN, none degraded or failing); 0 only when every segment in scope is OK
 */
export const ExitCode = {
  OK: 0,
  Error: 1,
  Usage: 64,
  DataErr: 65,
  NoInput: 66,
  AnalyzerFoundIssues: 79,
  /** diagnose attributed a fault to a segment (app, sidecar, network, gateway, control plane). */
  DiagnoseFoundFault: 80,
  /** health: a segment FAILs / is DEGRADED / cannot be told (src/health/model.ts HEALTH_EXIT). */
  HealthFail: 81,
  HealthDegraded: 82,
  HealthUnknown: 83,
} as const;

/** The exit code of each error kind. Cluster failures (forbidden, timed out, …) are all 1, as kubectl's. */
const EXIT_BY_KIND: Record<ErrorKind, number> = {
  usage: ExitCode.Usage,
  noinput: ExitCode.NoInput,
  data: ExitCode.DataErr,
  forbidden: ExitCode.Error,
  unauthorized: ExitCode.Error,
  notfound: ExitCode.Error,
  timeout: ExitCode.Error,
  unreachable: ExitCode.Error,
  failed: ExitCode.Error,
  internal: ExitCode.Error,
};

const KIND_BY_EXIT: Record<number, ErrorKind> = { [ExitCode.Usage]: 'usage', [ExitCode.NoInput]: 'noinput', [ExitCode.DataErr]: 'data' };

/** An error the user can fix; printed without a stack trace. The exit code picks the kind. */
export class UserError extends KindError {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Error,
    hint?: string,
  ) {
    super(message, KIND_BY_EXIT[exitCode] ?? 'failed', hint);
    this.name = 'UserError';
  }
}

export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
    this.name = 'UsageError';
  }
}

export interface DescribedError {
  readonly kind: ErrorKind;
  readonly message: string;
  readonly hint?: string;
  readonly exitCode: number;
}

/**
 * THE error map: any thrown value → what to print and the exit code. Commands throw domain errors
 * (each with a kind and maybe a hint) and never translate them; main.ts prints what this returns.
 */
export function describeError(e: unknown): DescribedError {
  const kind = kindOf(e);
  const hint = hintOf(e);
  const exitCode = e instanceof UserError ? e.exitCode : EXIT_BY_KIND[kind];
  return { kind, message: messageOf(e), exitCode, ...(hint ? { hint } : {}) };
}

/** The exit code for an error kind (for commands that report a failure and go on). */
export function exitCodeOf(kind: ErrorKind): number {
  return EXIT_BY_KIND[kind];
}
