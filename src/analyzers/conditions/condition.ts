import { defineAnalyzer } from '../../analysis/types.js';
import type { FieldPath, Resource } from '../../resources/types.js';
import { asArray, asRecord, asString, get } from '../../util/objects.js';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  path: FieldPath;
}

function conditionsAt(r: Resource, base: FieldPath): Condition[] {
  return asArray(get(r.object, ...base)).map((c, i) => {
    const o = asRecord(c);
    return {
      type: asString(o.type),
      status: asString(o.status),
      reason: asString(o.reason),
      message: asString(o.message),
      path: [...base, i],
    };
  });
}

/** Route status is per parent (Gateway or Service it attaches to). */
function routeConditions(r: Resource): Condition[] {
  return asArray(get(r.object, 'status', 'parents')).flatMap((_, p) => conditionsAt(r, ['status', 'parents', p, 'conditions']));
}

const WAYPOINT_BOUND = new Set(['istio.io/WaypointBound']);
const GATEWAY_API = new Set(['Accepted', 'Programmed', 'ResolvedRefs']);
const POLICY_ACCEPTED = new Set(['ZtunnelAccepted', 'WaypointAccepted']);

/**
 * Which conditions Istio writes on each kind. Conditions other controllers write (Argo CD's
 * Synced, for one) are not Istio's to judge and are left alone.
 */
const RULES: readonly { kind: string; conditions: (r: Resource) => Condition[]; types: ReadonlySet<string>; negative: (c: Condition) => boolean }[] = [
  { kind: 'Service', conditions: (r) => conditionsAt(r, ['status', 'conditions']), types: WAYPOINT_BOUND, negative: isFalse },
  { kind: 'ServiceEntry', conditions: (r) => conditionsAt(r, ['status', 'conditions']), types: WAYPOINT_BOUND, negative: isFalse },
  { kind: 'WorkloadEntry', conditions: (r) => conditionsAt(r, ['status', 'conditions']), types: WAYPOINT_BOUND, negative: isFalse },
  {
    kind: 'AuthorizationPolicy',
    conditions: (r) => conditionsAt(r, ['status', 'conditions']),
    types: POLICY_ACCEPTED,
    // A waypoint accepts a policy with some unusable targetRefs as True/PartiallyInvalid: the
    // rest of the policy applies, the bad references are silently ignored.
    negative: (c) => isFalse(c) || c.reason === 'PartiallyInvalid',
  },
  { kind: 'KubernetesGateway', conditions: (r) => conditionsAt(r, ['status', 'conditions']), types: GATEWAY_API, negative: isFalse },
  { kind: 'HTTPRoute', conditions: routeConditions, types: GATEWAY_API, negative: isFalse },
  { kind: 'GRPCRoute', conditions: routeConditions, types: GATEWAY_API, negative: isFalse },
];

function isFalse(c: Condition): boolean {
  return c.status === 'False';
}

export default defineAnalyzer({
  name: 'conditions.ConditionAnalyzer',
  description: 'Checks for negative status conditions on resources',
  inputs: ['ServiceEntry', 'WorkloadEntry', 'AuthorizationPolicy', 'KubernetesGateway', 'HTTPRoute', 'GRPCRoute'],
  optionalInputs: ['Service'],
  messages: ['NegativeConditionStatus'],
  analyze(ctx) {
    for (const rule of RULES) {
      for (const r of ctx.snapshot.list(rule.kind)) {
        for (const c of rule.conditions(r)) {
          if (!rule.types.has(c.type) || !rule.negative(c)) continue;
          ctx.report({ resource: r, message: 'NegativeConditionStatus', args: [c.type, c.reason, c.message], path: c.path });
        }
      }
    }
  },
});
