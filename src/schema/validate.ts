import type { MessageReport } from '../messages/catalog.js';
import { groupOf, versionOf } from '../resources/kinds.js';
import type { FieldPath, K8sObject } from '../resources/types.js';
import { semanticChecks, type SemanticOptions } from './semantic.js';
import { formatPath, servedVersionsOf, validateStructural } from './validator.js';

/** A validation finding, ready for ctx.report: catalog message, template args, field path. */
export type SchemaFinding = MessageReport<
  'SchemaValidationError' | 'SchemaWarning' | 'VirtualServiceUnreachableRule' | 'VirtualServiceIneffectiveMatch' | 'UnsupportedApiVersion'
> & { readonly path?: FieldPath };

/**
 * Everything the API server and istiod's validating webhook would say about one Istio object:
 * the served apiVersion, the CRD's structural schema with its CEL rules, then upstream's semantic
 * checks. The webhook only sees schema-valid objects, but a CI user wants every problem at once,
 * so semantic checks also run on invalid objects (they read fields defensively).
 */
export function validateIstioObject(object: K8sObject, opts: SemanticOptions = {}): SchemaFinding[] {
  const group = groupOf(object.apiVersion);
  const served = servedVersionsOf(group, object.kind);
  if (!served) return [];
  const version = versionOf(object.apiVersion);
  const v = Object.hasOwn(served, version) ? served[version] : undefined;
  if (!v) {
    return [{ message: 'UnsupportedApiVersion', args: [object.apiVersion, object.kind, Object.keys(served).map((s) => `${group}/${s}`).join(', ')], path: ['apiVersion'] }];
  }
  const out: SchemaFinding[] = [];
  const violations = validateStructural(v, object);
  for (const x of violations) {
    out.push({ message: 'SchemaValidationError', args: [`${formatPath(x.at) || '<root>'}: ${x.detail}`], path: x.path });
  }
  if (v.deprecated) {
    out.push({ message: 'SchemaWarning', args: [v.deprecationWarning ?? `${object.apiVersion} ${object.kind} is deprecated`], path: ['apiVersion'] });
  }
  const { problems, rules } = semanticChecks(object.kind, object, opts);
  // A field the schema already rejected is not judged again (a string port is not also "out of range").
  const rejected = violations.map((x) => x.path);
  const under = (p: FieldPath) => rejected.some((r) => r.length <= p.length && r.every((s, i) => s === p[i]));
  for (const p of problems) {
    if (under(p.path)) continue;
    const where = formatPath(p.path);
    out.push({ message: p.warning ? 'SchemaWarning' : 'SchemaValidationError', args: [where ? `${where}: ${p.text}` : p.text], path: p.path });
  }
  for (const { section, finding: f } of rules) {
    if (f.kind === 'unreachable') {
      out.push({ message: 'VirtualServiceUnreachableRule', args: [f.ruleno, f.reason], path: ['spec', section, f.rule] });
    } else {
      out.push({ message: 'VirtualServiceIneffectiveMatch', args: [f.ruleno, f.matchno, f.dupno], path: ['spec', section, f.rule, 'match', f.match] });
    }
  }
  return out;
}
