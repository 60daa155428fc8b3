import { isIP } from 'node:net';
import type { AnalysisContext } from '../../analysis/types.js';
import { defineAnalyzer } from '../../analysis/types.js';
import type { Resource } from '../../resources/types.js';
import { asArray, asObjects, get } from '../../util/objects.js';

interface Webhook {
  name?: unknown;
  clientConfig?: { url?: unknown; service?: unknown };
}

const DEFAULT_VALIDATOR = 'istiod-default-validator';
const VALIDATOR_PREFIX = 'istio-validator';
const INJECTOR_PREFIX = 'istio-sidecar-injector';

/**
 * upstream externalcontrolplane/externalcontrolplane.go. On a cluster served by an external istiod
 * the Istio webhooks carry `clientConfig.url`; a url that cannot be parsed or has no host is
 * IST0163, an IP address instead of a hostname is IST0164, and a webhook with neither url nor
 * service is IST0163 ("is blank").
 *
 * Upstream also resolves the hostname with DNS. Analysis here is offline and pure, so that lookup
 * is not done: a well-formed hostname is accepted.
 */
export default defineAnalyzer({
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  description: 'Checks that the remote IstioOperator resources reference an external control plane',
  inputs: [],
  optionalInputs: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'],
  messages: ['InvalidExternalControlPlaneConfig', 'ExternalControlPlaneAddressIsNotAHostname'],
  analyze(ctx) {
    for (const vwc of ctx.snapshot.list('ValidatingWebhookConfiguration')) {
      if (vwc.name === DEFAULT_VALIDATOR || vwc.name.startsWith(VALIDATOR_PREFIX)) checkHooks(ctx, vwc);
    }
    for (const mwc of ctx.snapshot.list('MutatingWebhookConfiguration')) {
      if (mwc.name.startsWith(INJECTOR_PREFIX)) checkHooks(ctx, mwc);
    }
  },
});

function checkHooks(ctx: AnalysisContext, config: Resource) {
  asObjects<Webhook>(get(config.object, 'webhooks')).forEach((hook, i) => {
    const name = String(hook.name ?? '');
    const url = hook.clientConfig?.url;
    const path = ['webhooks', i, 'clientConfig'];
    if (typeof url === 'string') {
      const problem = lintWebhookUrl(url);
      if (problem === 'ip') {
        ctx.report({ resource: config, message: 'ExternalControlPlaneAddressIsNotAHostname', args: [url, name], path: [...path, 'url'] });
      } else if (problem) {
        ctx.report({ resource: config, message: 'InvalidExternalControlPlaneConfig', args: [url, name, problem], path: [...path, 'url'] });
      }
    } else if (hook.clientConfig?.service === undefined || hook.clientConfig?.service === null) {
      ctx.report({ resource: config, message: 'InvalidExternalControlPlaneConfig', args: ['', name, 'is blank'], path });
    }
  });
}

/** undefined when fine, 'ip' for an IP literal host, else the problem as upstream words it. */
export function lintWebhookUrl(url: string): string | undefined {
  const host = goUrlHostname(url);
  if (host === undefined) return 'was provided in an invalid format';
  if (isIP(host)) return 'ip';
  // An empty host can never resolve; upstream's DNS lookup fails the same way.
  if (host === '') return 'cannot be resolved via a DNS lookup';
  return undefined;
}

/**
 * The hostname Go's url.Parse + URL.Hostname() would give, or undefined where url.Parse fails
 * (control characters, a bad port, an unclosed IPv6 bracket, a missing scheme before ":").
 */
export function goUrlHostname(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  let rest = raw;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  // Without a scheme, a colon in the first path segment is an error for Go ("missing protocol
  // scheme" / "first path segment in URL cannot contain colon").
  else if (/^[^/?#]*:/.test(rest)) return undefined;
  if (!rest.startsWith('//')) return '';
  let authority = rest.slice(2);
  const end = authority.search(/[/?#]/);
  if (end >= 0) authority = authority.slice(0, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return undefined;
    const port = authority.slice(close + 1);
    if (port && !/^:\d*$/.test(port)) return undefined;
    return authority.slice(1, close);
  }
  const colon = authority.lastIndexOf(':');
  if (colon >= 0) {
    if (!/^\d*$/.test(authority.slice(colon + 1))) return undefined;
    authority = authority.slice(0, colon);
  }
  return authority;
}
