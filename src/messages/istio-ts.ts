import type { MessageType } from './types.js';

/**
 * Findings new to istio-ts. They live in their own block (ITS0001…) so that they never collide
 * with upstream IST codes, present or retired. Each has a page in docs/messages/<code>.md.
 */
export const istioTsMessages = [
  {
    code: 'ITS0001',
    name: 'FileParseError',
    level: 'Error',
    description: 'A document could not be parsed as YAML or JSON; it was not analyzed.',
    template: 'Could not parse document: %s',
    args: ['detail'],
  },
  {
    code: 'ITS0002',
    name: 'InvalidResource',
    level: 'Error',
    description:
      'A document parsed but is not a Kubernetes object (missing apiVersion, kind or metadata.name, or not a mapping); it was not analyzed.',
    template: 'Not a valid Kubernetes object: %s',
    args: ['detail'],
  },
  {
    code: 'ITS0003',
    name: 'AnalyzerFailed',
    level: 'Error',
    description: 'An analyzer failed while analyzing the input. The other analyzers still ran. This is a bug in istio-ts.',
    template: 'Analyzer %s failed: %s',
    args: ['analyzer', 'detail'],
  },
  {
    code: 'ITS0004',
    name: 'UnsupportedApiVersion',
    level: 'Warning',
    description:
      'The resource uses an API version of an Istio kind that the Istio CRDs do not serve; the API server would reject it.',
    template: 'API version %s is not served for %s (served: %s)',
    args: ['apiVersion', 'kind', 'served'],
  },
] as const satisfies readonly MessageType[];
