/**
 * What went wrong, as a kind every layer can name without knowing about exit codes or the CLI.
 * One map in src/cli/errors.ts turns a kind into an exit code; the domain only says what happened.
 *
 *   usage         the command line is wrong (a flag, a pod reference, a missing argument)
 *   noinput       an input file or directory does not exist or cannot be read
 *   data          an input was read but cannot be parsed or used
 *   forbidden     the API server answered 403: authenticated, but RBAC does not allow it
 *   unauthorized  the API server answered 401: the credentials are missing, wrong or expired
 *   notfound      the named object (pod, service, config) does not exist
 *   timeout       no answer within the request timeout
 *   unreachable   no connection: refused, DNS, TLS, reset
 *   failed        the operation ran and failed for another reason (a server error, a refused write)
 *   internal      a bug in istio-ts
 */
export type ErrorKind = 'usage' | 'noinput' | 'data' | 'forbidden' | 'unauthorized' | 'notfound' | 'timeout' | 'unreachable' | 'failed' | 'internal';

/** An error that knows its kind and, optionally, what the user can do next. */
export class KindError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'KindError';
  }
}

/** The kind of any thrown value: its own when it has one, else "internal" for errors we did not expect. */
export function kindOf(e: unknown): ErrorKind {
  if (e instanceof KindError) return e.kind;
  const k = (e as { kind?: unknown } | undefined)?.kind;
  return typeof k === 'string' && KINDS.has(k as ErrorKind) ? (k as ErrorKind) : 'internal';
}

/** The hint of any thrown value, when it has one. */
export function hintOf(e: unknown): string | undefined {
  const h = (e as { hint?: unknown } | undefined)?.hint;
  return typeof h === 'string' && h !== '' ? h : undefined;
}

export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/**
 * The same failure with what was being done in front ("cannot read the control plane: …"),
 * keeping its kind; the hint is the caller's when given, else the original's.
 */
export function withContext(e: unknown, context: string, hint?: string): KindError {
  const h = hint ?? hintOf(e);
  const wrapped = new KindError(`${context}: ${messageOf(e)}`, kindOf(e), h);
  (wrapped as { cause?: unknown }).cause = e;
  return wrapped;
}

const KINDS = new Set<ErrorKind>(['usage', 'noinput', 'data', 'forbidden', 'unauthorized', 'notfound', 'timeout', 'unreachable', 'failed', 'internal']);

/** Kinds that mean "this read told us nothing" (as opposed to "the thing is absent"). */
export function isAccessFailure(kind: ErrorKind): boolean {
  return kind === 'forbidden' || kind === 'unauthorized' || kind === 'timeout' || kind === 'unreachable';
}

/** The same failure (message and kind) with a hint that fits the caller, when it has none of its own. */
export function withHint(e: unknown, hint: string): unknown {
  if (hintOf(e)) return e;
  const wrapped = new KindError(messageOf(e), kindOf(e), hint);
  (wrapped as { cause?: unknown }).cause = e;
  return wrapped;
}

/** The same failure with one more line of advice after its own hint. */
export function addHint(e: unknown, hint: string): KindError {
  const own = hintOf(e);
  const wrapped = new KindError(messageOf(e), kindOf(e), own ? `${own}\n${hint}` : hint);
  (wrapped as { cause?: unknown }).cause = e;
  return wrapped;
}
