import { ExitCode, UsageError, UserError } from '../../cli/errors.js';
import { explainMessage, findMessage } from '../../messages/docs.js';

/** `analyze --explain CODE`: the page a CI log can point to, printed to stdout. */
export async function explainCode(codeOrName: string): Promise<string> {
  const type = findMessage(codeOrName);
  if (!type) {
    throw new UsageError(`--explain: unknown message code "${codeOrName}"`, 'Codes look like IST0101 or ITS0009; "istio-ts analyze -L" lists the analyzers.');
  }
  try {
    const { text, path } = await explainMessage(type);
    return path ? `${text}\n(${path})\n` : text;
  } catch (e) {
    throw new UserError(`--explain ${type.code}: cannot read its documentation page: ${(e as Error).message}`, ExitCode.NoInput);
  }
}
