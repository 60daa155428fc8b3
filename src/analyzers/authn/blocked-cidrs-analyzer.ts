import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asObjects, get } from '../../util/objects.js';

/** How many RequestAuthentication names the message lists before "and N more". */
const MAX_LISTED = 5;

/**
 * upstream authn/blockedcidrs.go: istiod fetches every RequestAuthentication's jwksUri itself, so a
 * namespace owner can make it request internal addresses unless BLOCKED_CIDRS_IN_JWKS_URIS limits
 * them. Reported on each istiod Deployment (label app=istiod) lacking a non-empty value.
 */
export default defineAnalyzer({
  name: 'authn.BlockedCIDRsAnalyzer',
  description: 'Checks that BLOCKED_CIDRS_IN_JWKS_URIS is configured on istiod when RequestAuthentication resources exist',
  inputs: ['RequestAuthentication', 'Deployment'],
  messages: ['JwksUriFetchUnrestricted'],
  analyze(ctx) {
    const names = ctx.snapshot.list('RequestAuthentication').map((r) => (r.namespace ? `${r.namespace}/${r.name}` : r.name));
    if (!names.length) return;
    const listed = names.length <= MAX_LISTED ? names.join(', ') : `${names.slice(0, MAX_LISTED).join(', ')}, and ${names.length - MAX_LISTED} more`;
    for (const d of ctx.snapshot.list('Deployment')) {
      if (d.labels.app !== 'istiod') continue;
      const containers = asObjects(get(d.object, 'spec', 'template', 'spec', 'containers'));
      const configured = containers.some((c) =>
        asObjects(c.env).some((e) => e.name === 'BLOCKED_CIDRS_IN_JWKS_URIS' && typeof e.value === 'string' && e.value !== ''),
      );
      if (!configured) ctx.report({ resource: d, message: 'JwksUriFetchUnrestricted', args: [names.length, listed] });
    }
  },
});
