/**
 * YAML as istioctl prints it: protojson → sigs.k8s.io/yaml JSONToYAML, i.e. go-yaml v2 marshalling
 * a map. That means keys sorted, sequences not indented under their key, and strings quoted the
 * go-yaml way: double quotes for a string that YAML 1.1 would read as something else (a number,
 * a bool such as "on", null, a timestamp like "2022-12-08T11:03:53.361Z"), single quotes for
 * one that only cannot be plain ('@type', '{"a":1}').
 */
import { Document, Scalar, isScalar, visit } from 'yaml';

const BOOL_OR_NULL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', '~', 'null', 'Null', 'NULL', '']);
const INT = /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
// The layouts go-yaml v2 tries for !!timestamp: 2006-1-2T15:4:5.999999999Z07:00, 2006-1-2 15:4:5.999999999, 2006-1-2.
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|\s+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:\s*(?:Z|[-+]\d{1,2}(?::\d\d)?))?)?$/;

/** Whether go-yaml v2 would read this plain string as a non-string, and so double-quotes it. */
export function goYamlNeedsDoubleQuotes(s: string): boolean {
  return BOOL_OR_NULL.has(s) || INT.test(s) || FLOAT.test(s) || SPECIAL_FLOAT.test(s) || BASE60.test(s) || TIMESTAMP.test(s);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // Go sorts map keys by byte order.
    return Object.fromEntries(Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => [k, sortKeys(o[k])]));
  }
  return v;
}

export function goYaml(value: unknown): string {
  const doc = new Document(sortKeys(value));
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && !node.value.includes('\n') && goYamlNeedsDoubleQuotes(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: false, singleQuote: true });
}
