import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, asStringMap, get } from '../../util/objects.js';
import { selectorString } from '../util/selector.js';
import { credentialProblem } from '../util/tls.js';
import { podsMatching, selectorLabelPath } from '../util/workload.js';

export default defineAnalyzer({
  name: 'gateway.SecretAnalyzer',
  description: "Checks a gateway's referenced secrets for correctness",
  // Secrets are rarely committed to Git: without any in the input the analyzer cannot tell a
  // missing credential from one that lives only in the cluster, so it does not run.
  inputs: ['Gateway', 'Secret'],
  optionalInputs: ['Pod'],
  messages: ['ReferencedResourceNotFound', 'InvalidGatewayCredential'],
  analyze(ctx) {
    const { snapshot } = ctx;
    const now = new Date();
    for (const gw of snapshot.list('Gateway')) {
      const selector = asStringMap(get(gw.object, 'spec', 'selector'));
      // istiod reads credentialName from the namespace of the gateway *workload*, not of the
      // Gateway resource; upstream takes the first selected pod's namespace.
      const pod = podsMatching(snapshot, selector)[0];
      if (!pod) {
        if (snapshot.isAvailable('Pod')) {
          ctx.report({
            resource: gw,
            message: 'ReferencedResourceNotFound',
            args: ['selector', selectorString(selector)],
            path: selectorLabelPath(['spec', 'selector'], selector),
          });
        }
        continue;
      }
      const gwNs = pod.namespace;
      asArray(get(gw.object, 'spec', 'servers')).forEach((server, i) => {
        const cn = asRecord(asRecord(server).tls).credentialName;
        if (typeof cn !== 'string' || cn === '') return;
        // "ns/name" names a secret in another namespace explicitly.
        const slash = cn.indexOf('/');
        const [ns, name] = slash >= 0 ? [cn.slice(0, slash), cn.slice(slash + 1)] : [gwNs, cn];
        const path = ['spec', 'servers', i, 'tls', 'credentialName'];
        const secret = snapshot.get('Secret', ns, name);
        if (!secret) {
          ctx.report({ resource: gw, message: 'ReferencedResourceNotFound', args: ['credentialName', cn], path });
          return;
        }
        if (credentialProblem(secret, now) !== undefined) {
          ctx.report({ resource: gw, message: 'InvalidGatewayCredential', args: [gw.name, gwNs], path });
        }
      });
    }
  },
});
