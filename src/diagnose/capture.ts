/**
 * Reads a capture directory into CaptureData. Layout (docs/diagnose.md):
 *   capture.json                          {from, to, via, time, istioTsVersion}
 *   cluster/*.yaml                        involved Kubernetes and Istio objects
 *   istiod/syncz.json                     istiod /debug/syncz
 *   proxies/<ns>/<pod>/config_dump.json   /config_dump?include_eds
 *   proxies/<ns>/<pod>/clusters.json      /clusters?format=json
 *   proxies/<ns>/<pod>/stats.txt          /stats
 *   proxies/<ns>/<pod>/istio-proxy.log    istio-proxy container log
 *   proxies/<ns>/<pod>/sockets.txt        /proc/net/tcp + tcp6 of the pod (optional)
 * A missing optional file is simply absent; an unreadable one becomes a problem (and its evidence
 * "unknown"), never a crash: a postmortem capture is often incomplete.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseConfigDump } from '../envoy/configdump.js';
import { parseClustersJson } from '../envoy/host-status.js';
import { parseStats } from '../envoy/stats.js';
import { parseText, type LoadedObject, type LoadProblem } from '../resources/loader.js';
import type { CaptureData, CaptureMeta, NotCollected, ProxyCapture, ProxyFileKind, SyncEntry } from './model.js';
import { KindError } from '../util/errors.js';

export class CaptureError extends KindError {
  constructor(message: string, kind: 'noinput' | 'data') {
    super(message, kind);
    this.name = 'CaptureError';
  }
}

export const PROXY_FILES: Record<ProxyFileKind, string> = {
  configDump: 'config_dump.json',
  clusters: 'clusters.json',
  stats: 'stats.txt',
  log: 'istio-proxy.log',
  sockets: 'sockets.txt',
};

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file)).toString('utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

export function parseMeta(text: string, file = 'capture.json'): CaptureMeta {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CaptureError(`${file} is not valid JSON: ${(e as Error).message}`, 'data');
  }
  const o = (data ?? {}) as Record<string, unknown>;
  for (const k of ['from', 'to', 'time'] as const) {
    if (typeof o[k] !== 'string' || o[k] === '') throw new CaptureError(`${file}: "${k}" is missing`, 'data');
  }
  if (Number.isNaN(new Date(String(o.time)).getTime())) throw new CaptureError(`${file}: "time" is not a date: ${String(o.time)}`, 'data');
  return {
    from: String(o.from),
    to: String(o.to),
    ...(typeof o.via === 'string' && o.via !== '' ? { via: o.via } : {}),
    time: String(o.time),
    istioTsVersion: typeof o.istioTsVersion === 'string' ? o.istioTsVersion : '',
    ...(Array.isArray(o.notCollected) ? { notCollected: o.notCollected.filter(isNotCollected) } : {}),
  };
}

function isNotCollected(x: unknown): x is NotCollected {
  const o = (x ?? {}) as Record<string, unknown>;
  return typeof o.file === 'string' && (o.reason === 'unreachable' || o.reason === 'failed') && typeof o.error === 'string';
}

/** istiod /debug/syncz: one entry per connected proxy, with per-type nonces and the last NACK. */
export function parseSyncz(text: string): SyncEntry[] {
  const data = JSON.parse(text) as unknown;
  if (!Array.isArray(data)) throw new Error('not a /debug/syncz response (expected a JSON array)');
  const short: Record<string, string> = {
    'type.googleapis.com/envoy.config.cluster.v3.Cluster': 'CDS',
    'type.googleapis.com/envoy.config.listener.v3.Listener': 'LDS',
    'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': 'RDS',
    'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': 'EDS',
    'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig': 'ECDS',
  };
  return data.map((e) => {
    const o = (e ?? {}) as Record<string, unknown>;
    const types: SyncEntry['types'] = {};
    const res = (o.resources ?? {}) as Record<string, Record<string, unknown>>;
    for (const [url, r] of Object.entries(res)) {
      types[short[url] ?? url] = { sent: String(r.sent ?? ''), acked: String(r.acked ?? ''), lastError: String(r.lastError ?? '') };
    }
    // Older istiod versions have only the flat *_sent / *_acked nonces.
    const flat: [string, string][] = [['CDS', 'cluster'], ['LDS', 'listener'], ['RDS', 'route'], ['EDS', 'endpoint'], ['ECDS', 'extensionconfig']];
    for (const [t, p] of flat) {
      if (types[t] || (o[`${p}_sent`] === undefined && o[`${p}_acked`] === undefined)) continue;
      types[t] = { sent: String(o[`${p}_sent`] ?? ''), acked: String(o[`${p}_acked`] ?? ''), lastError: '' };
    }
    return { proxy: String(o.proxy ?? ''), ...(typeof o.istio_version === 'string' ? { istioVersion: o.istio_version } : {}), types };
  });
}

/** The files of a capture, by path relative to its directory ("cluster/pods.yaml"…). */
export type CaptureFiles = ReadonlyMap<string, string>;

/** Reads every file of a capture directory (capture.json, cluster/, istiod/, proxies/<ns>/<pod>/). */
export async function readCaptureFiles(dir: string): Promise<CaptureFiles> {
  let st;
  try {
    st = await stat(dir);
  } catch {
    throw new CaptureError(`capture directory ${dir} does not exist`, 'noinput');
  }
  if (!st.isDirectory()) throw new CaptureError(`${dir} is not a directory (pass the directory \`istio-ts capture -d\` wrote)`, 'noinput');
  const files = new Map<string, string>();
  const add = async (rel: string) => {
    const text = await readOptional(path.join(dir, rel));
    if (text !== undefined) files.set(rel, text);
  };
  await add('capture.json');
  for (const f of await listDir(path.join(dir, 'cluster'))) if (/\.(ya?ml|json)$/.test(f)) await add(`cluster/${f}`);
  await add('istiod/syncz.json');
  for (const ns of await listDir(path.join(dir, 'proxies'))) {
    for (const pod of await listDir(path.join(dir, 'proxies', ns))) {
      for (const name of Object.values(PROXY_FILES)) await add(`proxies/${ns}/${pod}/${name}`);
    }
  }
  if (!files.has('capture.json')) throw new CaptureError(`${dir} has no capture.json; is it a capture directory?`, 'noinput');
  return files;
}

export async function readCapture(dir: string): Promise<CaptureData> {
  return captureFromFiles(await readCaptureFiles(dir));
}

/**
 * Parses the files of a capture, from a directory or straight from the live collector. A file
 * that does not parse becomes a problem (its evidence "unknown"), never a crash: a postmortem
 * capture is often incomplete.
 */
export function captureFromFiles(files: CaptureFiles): CaptureData {
  const metaText = files.get('capture.json');
  if (metaText === undefined) throw new CaptureError('the capture has no capture.json', 'noinput');
  const meta = parseMeta(metaText);
  const problems: { file: string; message: string }[] = [];
  const objects: LoadedObject[] = [];
  const proxyDirs = new Set<string>();
  for (const [rel, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (rel.startsWith('cluster/')) {
      const loadProblems: LoadProblem[] = [];
      parseText(text, rel, objects, loadProblems);
      for (const p of loadProblems) problems.push({ file: p.line ? `${p.file}:${p.line}` : p.file, message: p.message });
    } else if (rel.startsWith('proxies/')) {
      const parts = rel.split('/');
      if (parts.length === 4) proxyDirs.add(`${parts[1]}/${parts[2]}`);
    }
  }
  // Every capture writes the pods: without them the path (who is client, server, gateway) is a guess.
  if (!files.has('cluster/pods.yaml')) problems.push({ file: 'cluster/pods.yaml', message: 'missing from the capture' });
  let syncz: SyncEntry[] | undefined;
  const synczText = files.get('istiod/syncz.json');
  if (synczText !== undefined) {
    try {
      syncz = parseSyncz(synczText);
    } catch (e) {
      problems.push({ file: 'istiod/syncz.json', message: (e as Error).message });
    }
  }
  const proxies = [...proxyDirs].map((d) => {
    const [namespace = '', pod = ''] = d.split('/');
    return parseProxy(files, namespace, pod, problems);
  });
  return { meta, objects, ...(syncz ? { syncz } : {}), proxies, problems };
}

function parseProxy(all: CaptureFiles, namespace: string, pod: string, problems: { file: string; message: string }[]): ProxyCapture {
  const files: Partial<Record<ProxyFileKind, string>> = {};
  const out: { -readonly [K in keyof ProxyCapture]?: ProxyCapture[K] } = {};
  for (const [kind, name] of Object.entries(PROXY_FILES) as [ProxyFileKind, string][]) {
    const rel = `proxies/${namespace}/${pod}/${name}`;
    const text = all.get(rel);
    if (text === undefined) continue;
    try {
      if (kind === 'configDump') out.configDump = parseConfigDump(text, rel);
      else if (kind === 'clusters') out.clusters = parseClustersJson(text);
      else if (kind === 'stats') {
        out.stats = parseStats(text);
        // Envoy ends every stats line with a newline: without one the file was cut short, and
        // counters after the cut (update_rejected, upstream_cx_connect_fail…) are missing, not zero.
        if (text !== '' && !text.endsWith('\n')) problems.push({ file: rel, message: 'truncated (the last line has no newline)' });
      }
      else if (kind === 'log') out.log = text;
      else out.sockets = text;
      files[kind] = rel;
    } catch (e) {
      problems.push({ file: rel, message: (e as Error).message });
    }
  }
  return { namespace, pod, ...out, files };
}
