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

/** An error the user can fix; printed without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Error,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.Usage, hint);
    this.name = 'UsageError';
  }
}
