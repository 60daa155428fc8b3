/** Text of `version`: istioctl's three lines, or tables with --short=false. */
import type { VersionCount } from '../../envoy/syncz.js';
import { renderTable } from '../../output/table.js';
import { versionCounts } from '../../output/versions.js';
import type { ControlPlanePod, VersionReport } from './model.js';

/** Per distinct (revision, version): "1.24.2" when there is one, else "1.24.2 (revision default, 2 pods), …". */
export function controlPlaneLine(pods: readonly ControlPlanePod[]): string {
  const groups = new Map<string, { revision: string; version: string; count: number }>();
  for (const p of pods) {
    const k = `${p.revision}\u0000${p.info.version}`;
    const g = groups.get(k) ?? { revision: p.revision, version: p.info.version, count: 0 };
    g.count++;
    groups.set(k, g);
  }
  const list = [...groups.values()].sort((a, b) => (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
  if (list.length === 1 && list[0]!.revision === 'default') return list[0]!.version;
  return list.map((g) => `${g.version} (revision ${g.revision}, ${g.count} ${g.count === 1 ? 'pod' : 'pods'})`).join(', ');
}

export function dataPlaneLine(versions: readonly VersionCount[]): string {
  return versions.length === 0 ? 'none' : versionCounts(versions, 'proxy');
}

export function renderShort(r: VersionReport): string {
  let out = `client version: ${r.client.version} (Istio ${r.client.istioVersion})\n`;
  if (!r.remote) return out;
  if (r.controlPlane.length > 0) out += `control plane version: ${controlPlaneLine(r.controlPlane)}\n`;
  if (r.dataPlaneRead) out += `data plane version: ${dataPlaneLine(r.dataPlaneVersions)}\n`;
  return out;
}

export function renderLong(r: VersionReport): string {
  let out = `client version: istio-ts ${r.client.version} (targets Istio ${r.client.istioVersion})\n`;
  if (!r.remote) return out;
  if (r.controlPlane.length > 0) {
    out += '\ncontrol plane:\n';
    out += renderTable(
      ['REVISION', 'ISTIOD POD', 'VERSION', 'GIT REVISION', 'STATUS', 'GO'],
      r.controlPlane.map((p) => [p.revision, p.pod, p.info.version, p.info.revision || '-', p.info.status || '-', p.info.golangVersion || '-']),
      { padding: 3 },
    );
  }
  if (r.dataPlaneRead) {
    out += '\ndata plane:\n';
    out += r.dataPlaneVersions.length === 0 ? 'no proxies connected\n' : renderTable(['VERSION', 'PROXIES'], r.dataPlaneVersions.map((v) => [v.version || 'unknown', String(v.count)]), { padding: 3 });
    if (r.proxies.length > 0) {
      out += '\nproxies:\n';
      out += renderTable(['PROXY', 'REVISION', 'VERSION', 'ISTIOD'], r.proxies.map((p) => [p.proxy, p.revision ?? '-', p.version || 'unknown', p.istiod]), { padding: 3 });
    }
  }
  return out;
}

/** istioctl's JSON field names (clientVersion, meshVersion, dataPlaneVersion) plus our summaries. */
export function versionJson(r: VersionReport): Record<string, unknown> {
  return {
    clientVersion: { version: r.client.version, client: 'istio-ts', istioVersion: r.client.istioVersion },
    ...(r.remote
      ? {
          meshVersion: r.controlPlane.map((p) => ({
            Component: 'istiod',
            Revision: p.revision,
            Info: { version: p.info.version, revision: p.info.revision, golang_version: p.info.golangVersion ?? '', status: p.info.status, tag: p.info.tag },
            pod: p.pod,
          })),
          ...(r.dataPlaneRead
            ? { dataPlaneVersion: r.proxies.map((p) => ({ ID: p.proxy, IstioVersion: p.version, ...(p.revision ? { Revision: p.revision } : {}) })), dataPlaneVersions: r.dataPlaneVersions }
            : {}),
          errors: r.errors,
        }
      : {}),
  };
}

export async function renderStructured(r: VersionReport, format: 'json' | 'yaml'): Promise<string> {
  const v = versionJson(r);
  if (format === 'json') return `${JSON.stringify(v, null, 2)}\n`;
  // yaml loads only for -o yaml (start-up time).
  const { stringify } = await import('yaml');
  return stringify(v, { lineWidth: 0 });
}
