import { KindError } from '../util/errors.js';
/**
 * An IstioOperator input problem. `origin` says where it came from so the command can pick the
 * exit code: a --set/--revision flag is a usage error (64), a -f file is bad data (65).
 */
export class InstallInputError extends KindError {
  constructor(
    message: string,
    readonly origin: { kind: 'flag'; flag: string } | { kind: 'file'; file: string },
  ) {
    super(message, origin.kind === 'flag' ? 'usage' : 'data');
    this.name = 'InstallInputError';
  }
}
