import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asObjects, asRecord, asString } from '../../util/objects.js';
import { durationMs } from '../util/traffic.js';

/** Methods a client must not expect to be safe to repeat. */
const NON_IDEMPOTENT = ['POST', 'PATCH'];
/**
 * retryOn conditions that fire after the upstream may have processed the request. They are also the
 * only ones under which Envoy retries a try that hit its per-try timeout: the router resets the
 * upstream stream and asks the retry state as for a reset, which says yes for these three alone
 * (retriable-status-codes does not apply, even with 504 listed: the 504 is Envoy's own answer).
 */
const AFTER_PROCESSING = ['5xx', 'gateway-error', 'reset'];
/** What Istio sets when a VirtualService's retries leave retryOn empty. */
const ISTIO_DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The non-idempotent methods an HTTP route's matches name (exact, prefix or regex). */
function matchedMethods(rule: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const m of asObjects(rule.match)) {
    const method = asRecord(m.method);
    for (const verb of NON_IDEMPOTENT) {
      const exact = asString(method.exact).toUpperCase();
      const prefix = asString(method.prefix).toUpperCase();
      const regex = asString(method.regex);
      if (exact === verb || (prefix && verb.startsWith(prefix)) || (regex && safeTest(regex, verb))) out.add(verb);
    }
  }
  return [...out];
}

function safeTest(regex: string, s: string): boolean {
  try {
    return new RegExp(`^(?:${regex})$`).test(s);
  } catch {
    return false;
  }
}

export const retryPolicyAnalyzer = defineAnalyzer({
  name: 'virtualservice.RetryPolicyAnalyzer',
  description: 'Checks HTTP retries against the route timeout, per-try timeouts, non-idempotent methods and fault injection',
  inputs: ['VirtualService'],
  messages: ['RetriesExceedRouteTimeout', 'RetryOnNonIdempotentMethod', 'FaultInjectionWithRetries', 'PerTryTimeoutNotRetried'],
  analyze(ctx) {
    for (const vs of ctx.snapshot.list('VirtualService')) {
      asArray(asRecord(vs.object.spec).http).forEach((r, i) => {
        const rule = asRecord(r);
        const retries = asRecord(rule.retries);
        const attempts = Number(retries.attempts ?? 0);
        if (!rule.retries || !(attempts > 0)) return;
        const route = asString(rule.name) ? `${asString(rule.name)} (http[${i}])` : `http[${i}]`;
        const base = ['spec', 'http', i] as const;

        const timeout = durationMs(rule.timeout);
        const perTry = durationMs(retries.perTryTimeout);
        if (timeout && perTry && (attempts + 1) * perTry > timeout) {
          ctx.report({
            resource: vs,
            message: 'RetriesExceedRouteTimeout',
            args: [route, attempts + 1, formatMs(perTry), formatMs((attempts + 1) * perTry), formatMs(timeout)],
            path: [...base, 'retries', 'perTryTimeout'],
          });
        }

        const retryOn = asString(retries.retryOn);
        const risky = retryOn.split(',').map((s) => s.trim()).filter((s) => AFTER_PROCESSING.includes(s));
        const methods = matchedMethods(rule);
        if (risky.length && methods.length) {
          ctx.report({ resource: vs, message: 'RetryOnNonIdempotentMethod', args: [route, methods.join(', '), risky.join(',')], path: [...base, 'retries', 'retryOn'] });
        }

        // The fault filter answers before the router filter, which is where retries happen.
        if (asRecord(rule.fault).abort) {
          ctx.report({ resource: vs, message: 'FaultInjectionWithRetries', args: [route], path: [...base, 'fault'] });
        }

        const conditions = (retryOn || ISTIO_DEFAULT_RETRY_ON).split(',').map((s) => s.trim());
        // A perTryTimeout at or past the route timeout never fires (the route timeout ends the
        // request first, which ITS0010 reports).
        if (perTry && !(timeout && perTry >= timeout) && !conditions.some((c) => AFTER_PROCESSING.includes(c))) {
          ctx.report({
            resource: vs,
            message: 'PerTryTimeoutNotRetried',
            args: [route, formatMs(perTry), retryOn ? JSON.stringify(retryOn) : `unset (Istio's default "${ISTIO_DEFAULT_RETRY_ON}")`],
            path: [...base, 'retries', retryOn ? 'retryOn' : 'perTryTimeout'],
          });
        }
      });
    }
  },
});
