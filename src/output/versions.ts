import type { VersionCount } from '../envoy/syncz.js';

const PLURAL: Record<string, string> = { proxy: 'proxies', 'istiod pod': 'istiod pods' };

/** "1.27.1 (3 proxies), 1.26.0 (1 proxy)": proxy-status's skew summary and version's data plane line. */
export function versionCounts(vs: readonly VersionCount[], unit: 'proxy' | 'istiod pod'): string {
  return vs.map((v) => `${v.version || 'unknown'} (${v.count} ${v.count === 1 ? unit : PLURAL[unit]})`).join(', ');
}
