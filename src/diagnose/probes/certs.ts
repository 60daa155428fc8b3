/**
 * The workload certificate and root CA each proxy holds (SDS secrets in the config dump), judged
 * at the capture time: present, ACTIVE (not WARMING, istio#50070), and within validity.
 */
import { section } from '../../envoy/configdump.js';
import { listSecrets } from '../../envoy/secrets.js';
import { defineProbe, pathPods, proxyLabel, sidecarSegment } from './types.js';

export const certsProbe = defineProbe({
  name: 'certs',
  description: 'Every proxy on the path holds an active, valid workload certificate and root CA',
  reads: ['proxies/<ns>/<pod>/config_dump.json (SecretsConfigDump)'],
  evidence: ['cert.valid', 'cert.expired', 'cert.not-ready', 'cert.missing'],
  run(ctx) {
    for (const pod of pathPods(ctx.path)) {
      const dump = pod.proxy?.configDump;
      const file = pod.proxy?.files.configDump;
      if (!dump || !file || !section(dump, 'secrets')) continue;
      const segment = sidecarSegment(pod);
      const proxy = proxyLabel(pod);
      const base = { proxy, name: pod.name, namespace: pod.namespace };
      const rows = listSecrets(dump, ctx.now);
      if (!rows.some((r) => r.name === 'default')) ctx.report('cert.missing', segment, base, `${file}: dynamic_active_secrets`);
      for (const r of rows.filter((x) => x.name === 'default' || x.name === 'ROOTCA')) {
        const source = `${file}: secret ${r.name}`;
        if (r.status !== 'ACTIVE') ctx.report('cert.not-ready', segment, { ...base, secret: r.name, status: r.status }, source);
        else if (!r.valid) ctx.report('cert.expired', segment, { ...base, secret: r.name, notBefore: r.notBefore, notAfter: r.notAfter }, source);
        else ctx.report('cert.valid', segment, { ...base, secret: r.name, notAfter: r.notAfter }, source);
      }
    }
  },
});
