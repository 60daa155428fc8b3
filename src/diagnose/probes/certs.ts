/**
 * The workload certificate and root CA each proxy holds (SDS secrets in the config dump), judged
 * at the capture time: present, ACTIVE (not WARMING, istio#50070), and within validity.
 */
import { type ConfigDump, type Obj, arr, isObj, obj, section, sections, str } from '../../envoy/configdump.js';
import { listSecrets } from '../../envoy/secrets.js';
import { defineProbe, pathPods, proxyLabel, sidecarSegment } from './types.js';

const CERT_REFS = ['tls_certificate_sds_secret_configs', 'tlsCertificateSdsSecretConfigs'];

/** Whether any cluster or listener of the dump references the SDS secret "default". */
export function usesWorkloadCert(dump: ConfigDump): boolean {
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) return v.some(walk);
    if (!isObj(v)) return false;
    for (const [k, child] of Object.entries(v)) {
      if (CERT_REFS.includes(k) && arr(child).some((c) => str(obj(c).name) === 'default')) return true;
      if (walk(child)) return true;
    }
    return false;
  };
  return [...sections(dump, 'clusters'), ...sections(dump, 'listeners')].some((s: Obj) => walk(s));
}

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
      // Envoy asks the agent for the workload certificate only when a cluster or listener uses
      // it (ISTIO_MUTUAL to an upstream, an mTLS inbound chain). A client whose every upstream has
      // TLS disabled, with no inbound listener (interception NONE), never requests it: its absence
      // is then no fault.
      if (!rows.some((r) => r.name === 'default') && usesWorkloadCert(dump)) ctx.report('cert.missing', segment, base, `${file}: dynamic_active_secrets`);
      for (const r of rows.filter((x) => x.name === 'default' || x.name === 'ROOTCA')) {
        const source = `${file}: secret ${r.name}`;
        if (r.status !== 'ACTIVE') ctx.report('cert.not-ready', segment, { ...base, secret: r.name, status: r.status }, source);
        else if (!r.valid) ctx.report('cert.expired', segment, { ...base, secret: r.name, notBefore: r.notBefore, notAfter: r.notAfter }, source);
        else ctx.report('cert.valid', segment, { ...base, secret: r.name, notAfter: r.notAfter }, source);
      }
    }
  },
});
