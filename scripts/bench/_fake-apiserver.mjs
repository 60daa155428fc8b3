// A stand-in Kubernetes API server on 127.0.0.1 for the kube-inject row: istioctl kube-inject
// watches MutatingWebhookConfigurations even when every setting comes from files, and waits
// (forever, without a cluster) for that watch to sync. This answers every list with an empty
// list and every watch with the bookmark that ends the initial events, then holds it open.
// Run as its own process (the bench blocks in spawnSync); prints the port on stdout.
import http from 'node:http';

const KINDS = { mutatingwebhookconfigurations: 'MutatingWebhookConfiguration', validatingwebhookconfigurations: 'ValidatingWebhookConfiguration', configmaps: 'ConfigMap', namespaces: 'Namespace', pods: 'Pod', services: 'Service' };

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  res.setHeader('content-type', 'application/json');
  if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
    res.writeHead(200);
    if (url.searchParams.get('sendInitialEvents') === 'true') {
      // /apis/<group>/<version>/<plural> or /api/v1/<plural>: the bookmark carries the list's kind.
      const parts = url.pathname.split('/').filter(Boolean);
      const apiVersion = parts[0] === 'api' ? parts[1] : `${parts[1]}/${parts[2]}`;
      const plural = parts[parts.length - 1] ?? '';
      const kind = KINDS[plural] ?? plural;
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind, apiVersion, metadata: { resourceVersion: '1', annotations: { 'k8s.io/initial-events-end': 'true' } } } })}\n`);
    }
    return;
  }
  if (url.pathname === '/version') return res.end(JSON.stringify({ major: '1', minor: '36', gitVersion: 'v1.36.3' }));
  if (url.pathname === '/api') return res.end(JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
  if (url.pathname === '/apis') return res.end(JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: [] }));
  res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
// The bench kills this process by its pid; never outlive the bench by more than an hour.
setTimeout(() => process.exit(0), 3600_000).unref();
