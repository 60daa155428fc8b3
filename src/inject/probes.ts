/**
 * App probe rewrite (pkg/kube/inject/app_probe.go): with mTLS the kubelet cannot reach the app's
 * HTTP/TCP/gRPC probes through the sidecar, so they are pointed at the agent's status port
 * (/app-health/<container>/<kind>) and the original probes travel to the agent in
 * ISTIO_KUBE_APP_PROBERS.
 */
import { isPlainObject } from '../util/objects.js';
import { splitPorts } from './funcs.js';

type Obj = Record<string, unknown>;

export function proberURLs(container: string): { readyz: string; livez: string; startupz: string; prestopz: string; poststartz: string } {
  return {
    readyz: `/app-health/${container}/readyz`,
    livez: `/app-health/${container}/livez`,
    startupz: `/app-health/${container}/startupz`,
    prestopz: `/app-lifecycle/${container}/prestopz`,
    poststartz: `/app-lifecycle/${container}/poststartz`,
  };
}

function allContainers(spec: Obj): Obj[] {
  const init = Array.isArray(spec.initContainers) ? spec.initContainers : [];
  const cs = Array.isArray(spec.containers) ? spec.containers : [];
  return [...init, ...cs].filter(isPlainObject);
}

/** Ports whose probes are rewritten: traffic.sidecar.istio.io/includeInboundPorts, when set to a list. */
function includedPorts(annotations: Record<string, string>): Set<number> {
  const inc = annotations['traffic.sidecar.istio.io/includeInboundPorts'];
  const out = new Set<number>();
  if (inc && inc !== '*') for (const p of splitPorts(inc)) if (/^\d+$/.test(p)) out.add(Number(p));
  return out;
}

function resolvePort(port: unknown, container: Obj): number | null {
  if (typeof port === 'number') return port;
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return Number(port);
    for (const p of Array.isArray(container.ports) ? container.ports : []) {
      if (isPlainObject(p) && p.name === port && typeof p.containerPort === 'number') return p.containerPort;
    }
  }
  return null;
}

function toProber(handler: unknown, container: Obj, ports: Set<number>, withTimeout: boolean): Obj | null {
  if (!isPlainObject(handler)) return null;
  const inPorts = (p: number): boolean => ports.size === 0 || ports.has(p);
  const out: Obj = {};
  if (isPlainObject(handler.grpc)) {
    const p = Number(handler.grpc.port);
    if (!inPorts(p)) return null;
    out.grpc = handler.grpc;
  } else if (isPlainObject(handler.httpGet) || isPlainObject(handler.tcpSocket)) {
    const kind = isPlainObject(handler.httpGet) ? 'httpGet' : 'tcpSocket';
    const action = { ...(handler[kind] as Obj) };
    const p = resolvePort(action.port, container);
    if (p === null || !inPorts(p)) return null;
    action.port = p;
    out[kind] = action;
  } else return null;
  if (withTimeout && typeof handler.timeoutSeconds === 'number' && handler.timeoutSeconds !== 0) out.timeoutSeconds = handler.timeoutSeconds;
  return out;
}

/**
 * The ISTIO_KUBE_APP_PROBERS value for a pod spec, or "" when no probe needs the agent. A probe
 * whose numeric port already is the agent's status port has been rewritten before (re-injection)
 * and is left out, as DumpAppProbers does.
 */
export function dumpAppProbers(spec: Obj, annotations: Record<string, string>, targetPort?: number): string {
  const ports = includedPorts(annotations);
  const out: Obj = {};
  for (const c of allContainers(spec)) {
    if (c.name === 'istio-proxy') continue;
    const u = proberURLs(String(c.name));
    const add = (key: string, h: unknown, withTimeout: boolean): void => {
      if (targetPort !== undefined && isPlainObject(h)) {
        const action = isPlainObject(h.httpGet) ? h.httpGet : isPlainObject(h.tcpSocket) ? h.tcpSocket : undefined;
        if (action && typeof action.port === 'number' && action.port === targetPort) return;
      }
      const p = toProber(h, c, ports, withTimeout);
      if (p) out[key] = p;
    };
    add(u.readyz, c.readinessProbe, true);
    add(u.livez, c.livenessProbe, true);
    add(u.startupz, c.startupProbe, true);
    if (isPlainObject(c.lifecycle)) {
      add(u.prestopz, c.lifecycle.preStop, false);
      add(u.poststartz, c.lifecycle.postStart, false);
    }
  }
  // istiod marshals a Go map, and encoding/json prints map keys sorted.
  const keys = Object.keys(out).sort();
  return keys.length === 0 ? '' : JSON.stringify(Object.fromEntries(keys.map((k) => [k, out[k]])));
}

function rewriteHandler(h: unknown, url: string, statusPort: number, isProbe: boolean): Obj | null {
  if (!isPlainObject(h)) return null;
  const out: Obj = { ...h };
  if (isPlainObject(h.httpGet)) {
    const g: Obj = { ...h.httpGet, path: url, port: statusPort };
    // kubelet -> HTTP -> agent -> HTTPS -> app
    if (g.scheme === 'HTTPS') g.scheme = 'HTTP';
    out.httpGet = g;
    return out;
  }
  if (isPlainObject(h.tcpSocket) || (isProbe && isPlainObject(h.grpc))) {
    delete out.tcpSocket;
    delete out.grpc;
    out.httpGet = { path: url, port: statusPort };
    return out;
  }
  return null;
}

/** Points every app probe and lifecycle hook at the agent (in place on the given spec). */
export function rewriteAppProbes(spec: Obj, statusPort: number): void {
  for (const c of allContainers(spec)) {
    if (c.name === 'istio-proxy') continue;
    const u = proberURLs(String(c.name));
    const r = rewriteHandler(c.readinessProbe, u.readyz, statusPort, true);
    if (r) c.readinessProbe = r;
    const l = rewriteHandler(c.livenessProbe, u.livez, statusPort, true);
    if (l) c.livenessProbe = l;
    const s = rewriteHandler(c.startupProbe, u.startupz, statusPort, true);
    if (s) c.startupProbe = s;
    if (isPlainObject(c.lifecycle)) {
      const lc: Obj = { ...c.lifecycle };
      const pre = rewriteHandler(lc.preStop, u.prestopz, statusPort, false);
      if (pre) lc.preStop = pre;
      const post = rewriteHandler(lc.postStart, u.poststartz, statusPort, false);
      if (post) lc.postStart = post;
      c.lifecycle = lc;
    }
  }
}

/** Go field order of status.Prober and the corev1 actions it holds, as encoding/json prints them. */
const PROBER_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['httpGet', 'tcpSocket', 'grpc', 'timeoutSeconds'],
  httpGet: ['path', 'port', 'host', 'scheme', 'httpHeaders'],
  tcpSocket: ['port', 'host'],
  grpc: ['port', 'service'],
};

function goProber(v: unknown, field = ''): unknown {
  if (!isPlainObject(v)) return v;
  const order = PROBER_ORDER[field];
  if (!order) return v;
  const out: Obj = {};
  for (const k of order) if (v[k] !== undefined) out[k] = goProber(v[k], k);
  return out;
}

/**
 * webhook.go mergeOrAppendProbers: on a pod injected before, the probers already in the sidecar's
 * ISTIO_KUBE_APP_PROBERS stay (they win over newly dumped ones for the same path) and the new ones
 * are added, in place; otherwise the env var is appended. An existing value that is not JSON is
 * kept unchanged, as istiod does.
 */
export function mergeOrAppendProbers(previouslyInjected: boolean, env: Obj[], probers: string): Obj[] {
  const NAME = 'ISTIO_KUBE_APP_PROBERS';
  if (!previouslyInjected) return [...env, { name: NAME, value: probers }];
  const idx = env.findIndex((e) => e.name === NAME);
  if (idx < 0) return [...env, { name: NAME, value: probers }];
  let existing: unknown;
  let fresh: unknown;
  try {
    existing = JSON.parse(String(env[idx]!.value ?? ''));
    fresh = JSON.parse(probers);
  } catch {
    return env;
  }
  if (!isPlainObject(existing) || !isPlainObject(fresh)) return env;
  const merged: Obj = { ...fresh, ...existing };
  const value = JSON.stringify(Object.fromEntries(Object.keys(merged).sort().map((k) => [k, goProber(merged[k])])));
  const out = [...env];
  out[idx] = { name: NAME, value };
  return out;
}
