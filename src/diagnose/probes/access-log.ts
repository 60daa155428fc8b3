/**
 * Access-log lines of the client-side proxy (client sidecar, or the gateway for ingress traffic)
 * and of the server sidecars, matched by x-request-id or, without one, by time. The rule that
 * locates a failure (field research §2.1): a failing client line with a local flag (NR, NC, UO,
 * UH, UF…) and no server line means the request never reached the server pod; a server line with
 * via_upstream means the app produced the status; a server line with UF/UC means the server
 * sidecar could not talk to its own app.
 */
import { parseSubsetKey } from '../../envoy/names.js';
import { summarizeList } from '../evidence.js';
import { direction, isFailure, parseAccessLog, type AccessLogEntry } from '../accesslog.js';
import { hostAliases, type PodView, type RequestPath } from '../path.js';
import type { SegmentName } from '../model.js';
import { appSegment, defineProbe, proxyLabel, sidecarContainer, sidecarSegment, type ProbeContext } from './types.js';

interface Line {
  readonly e: AccessLogEntry;
  readonly pod: PodView;
  readonly file: string;
}

function stripPort(h: string): string {
  return h.replace(/:\d+$/, '');
}

function time(e: AccessLogEntry): number {
  return new Date(e.startTime).getTime();
}

function inWindow(ctx: ProbeContext, e: AccessLogEntry): boolean {
  const t = time(e);
  if (ctx.options.sinceMs !== undefined && !Number.isNaN(t) && t < ctx.now.getTime() - ctx.options.sinceMs) return false;
  if (ctx.options.httpPath && e.path && !e.path.startsWith(ctx.options.httpPath)) return false;
  return true;
}

function linesOf(ctx: ProbeContext, pods: readonly PodView[], keep: (e: AccessLogEntry, p: PodView) => boolean): { lines: Line[]; files: string[] } {
  const lines: Line[] = [];
  const files: string[] = [];
  for (const pod of pods) {
    const log = pod.proxy?.log;
    const file = pod.proxy?.files.log;
    if (log === undefined || !file) continue;
    files.push(file);
    for (const e of parseAccessLog(log)) if (inWindow(ctx, e) && keep(e, pod)) lines.push({ e, pod, file });
  }
  return { lines, files };
}

/** Lines the client side wrote about the target: by upstream cluster host, or by authority for local replies. */
function isAboutTarget(e: AccessLogEntry, path: RequestPath, aliases: readonly string[], gateway: boolean): boolean {
  if (direction(e) === 'inbound') return false;
  const key = parseSubsetKey(e.upstreamCluster);
  const fqdn = path.service?.fqdn;
  if (key && fqdn && key.fqdn === fqdn) return true;
  const authority = e.authority;
  if (authority && (aliases.includes(authority) || aliases.includes(stripPort(authority)))) return true;
  // At a gateway the authority is the external host; a local reply (no cluster) for the
  // requested path is about the target too.
  return gateway && e.upstreamCluster === '';
}

function signature(e: AccessLogEntry): string {
  return `${e.code} ${e.flags || '-'} ${e.details || '-'}`;
}

/**
 * Failed lines grouped by what they say (code, flags, details), the largest group first (on a
 * tie, the most recent). A window can hold more than one failure: with outlier detection the
 * app's 500s come first, then the client's UH once the host is ejected; each is explained.
 */
function groups(lines: Line[]): Line[][] {
  const by = new Map<string, Line[]>();
  for (const l of lines) {
    const k = signature(l.e);
    by.set(k, [...(by.get(k) ?? []), l]);
  }
  return [...by.values()].sort((a, b) => b.length - a.length || time(b[b.length - 1]!.e) - time(a[a.length - 1]!.e));
}

/** Failure groups explained per run; more are rare and would bury the first ones. */
const MAX_GROUPS = 3;

/**
 * The server line of the same request: same x-request-id, else a line that started within the
 * client's span. A server line without a request id (a connection the inbound listener closed
 * before any HTTP, "- - -" NR filter_chain_not_found) can only be matched by time.
 */
function matchServer(c: Line, servers: readonly Line[]): Line | undefined {
  if (c.e.requestId) {
    const byId = servers.find((s) => s.e.requestId === c.e.requestId);
    if (byId) return byId;
  }
  const t = time(c.e);
  return servers.find((s) => {
    if (c.e.requestId && s.e.requestId) return false;
    const st = time(s.e);
    return st >= t - 50 && st <= t + c.e.duration + 50;
  });
}

/**
 * A server pod's line about inbound traffic: to an inbound| cluster, a local reply on the
 * inbound route, or (no cluster and no route yet, e.g. no filter chain matched) a connection to
 * the pod's own IP. With interception NONE the inbound listener is bound to the pod IP and the
 * pod's own outbound traffic uses another address, so that holds there too.
 */
function isInbound(e: AccessLogEntry, p: PodView): boolean {
  const d = direction(e);
  if (d !== 'other') return d === 'inbound';
  return e.upstreamCluster === '' && p.ip !== '' && stripPort(e.downstreamLocal) === p.ip;
}

function flags(e: AccessLogEntry): string[] {
  return e.flags ? e.flags.split(',') : [];
}

function codes(lines: Line[]): string {
  return [...new Set(lines.map((l) => l.e.code))].sort().join(',');
}

function src(lines: Line[]): string {
  const first = lines[0]!;
  const ids = lines.map((l) => String(l.e.line));
  return `${first.file}: line${ids.length > 1 ? 's' : ''} ${summarizeList(ids, 4)}`;
}

export const accessLogProbe = defineProbe({
  name: 'access-log',
  description: 'The client-side and server-side access logs show the requests answered, and by whom',
  reads: ['proxies/<ns>/<pod>/istio-proxy.log'],
  evidence: ['log.ok', 'log.passed', 'log.app-error', 'log.app-refused', 'log.app-closed', 'log.app-closed-idle', 'log.rbac-denied', 'log.no-route', 'log.no-cluster', 'log.no-healthy', 'log.overflow', 'log.timeout-slow-app', 'log.timeout', 'log.connect-refused', 'log.connect-fail', 'log.reset', 'log.no-filter-chain', 'log.downstream-gone', 'log.other', 'log.no-lines', 'log.server-unseen'],
  run(ctx) {
    const path = ctx.path;
    const aliases = hostAliases(path);
    const clientPods = path.ingress ? path.gateways : path.client && sidecarContainer(path.client) ? [path.client] : [];
    const client = linesOf(ctx, clientPods, (e, p) => isAboutTarget(e, path, aliases, p.role === 'gateway'));
    const server = linesOf(ctx, path.servers, isInbound);
    const window = ctx.options.sinceMs !== undefined ? ` in the last ${Math.round(ctx.options.sinceMs / 1000)}s before the capture` : '';
    for (const pod of clientPods) {
      if (pod.proxy?.files.log && !client.lines.some((l) => l.pod === pod)) ctx.report('log.no-lines', sidecarSegment(pod), { reporter: reporter(pod), host: path.host, file: pod.proxy.files.log, window }, pod.proxy.files.log);
    }
    if (client.lines.length === 0) {
      // No client-side line (its log was not read, was rotated, or the client has no sidecar):
      // the server sidecar's inbound lines still say what happened to the requests that reached it.
      serverOnly(ctx, server.lines);
      return;
    }
    const clientSeg = sidecarSegment(client.lines[0]!.pod);
    // A client line can look fine (403 via_upstream) while the server sidecar produced it
    // locally (RBAC deny): a request failed when either side's line is a failure.
    const failedAt = (l: Line) => isFailure(l.e) || (l.e.details === 'via_upstream' && isFailure(matchServer(l, server.lines)?.e ?? l.e));
    const ok = client.lines.filter((l) => !failedAt(l));
    const failed = client.lines.filter(failedAt);
    if (ok.length) {
      const viaUpstream = ok.every((l) => l.e.details === 'via_upstream');
      const args = { reporter: reporter(ok[0]!.pod), count: ok.length, total: client.lines.length, codes: codes(ok), detail: viaUpstream ? 'via_upstream: the upstream answered' : 'local replies' };
      ctx.report('log.ok', clientSeg, args, src(ok));
      if (viaUpstream) {
        ctx.report('log.ok', 'network', { ...args, detail: 'via_upstream, so the connection to the server pod worked' }, src(ok));
        const matched = ok.map((l) => matchServer(l, server.lines)).filter((x): x is Line => x !== undefined);
        if (matched.length) {
          const sargs = { reporter: reporter(matched[0]!.pod), count: matched.length, total: matched.length, codes: codes(matched), detail: 'inbound, via_upstream: the app answered' };
          ctx.report('log.ok', 'server-sidecar', sargs, src(matched));
          ctx.report('log.ok', 'server-app', sargs, src(matched));
        } else ctx.report('log.ok', 'server-app', { ...args, detail: 'via_upstream: the server answered' }, src(ok));
      }
    }
    if (failed.length === 0) return;
    const said = new Set<string>();
    for (const g of groups(failed).slice(0, MAX_GROUPS)) explainFailures(ctx, g, server.lines, clientSeg, client.lines.length, said);
  },
});

function reporter(p: PodView): string {
  const what = p.role === 'client' ? 'client sidecar' : p.role === 'server' ? 'server sidecar' : 'gateway';
  return `${what} ${proxyLabel(p)}`;
}

function explainFailures(ctx: ProbeContext, lines: Line[], servers: readonly Line[], clientSeg: SegmentName, total: number, said: Set<string>): void {
  const c = lines[0]!;
  const e = c.e;
  const f = flags(e);
  const pod = c.pod;
  const matched = lines.map((l) => matchServer(l, servers)).filter((x): x is Line => x !== undefined);
  const srv = matched[0];
  const target = ctx.path.servers[0];
  const key = parseSubsetKey(e.upstreamCluster);
  const base = {
    reporter: reporter(pod),
    proxy: proxyLabel(pod),
    name: srv?.pod.name ?? target?.name ?? pod.name,
    namespace: srv?.pod.namespace ?? target?.namespace ?? pod.namespace,
    count: lines.length,
    code: e.code,
    flags: e.flags || '-',
    details: e.details || '-',
    reason: e.transportFailure,
    authority: e.authority,
    path: e.path,
    cluster: e.upstreamCluster || '-',
    host: key?.fqdn ?? ctx.path.service?.fqdn ?? ctx.path.host,
    upstream: e.upstreamHost || e.upstreamCluster || '-',
    duration: e.duration,
    container: appContainer(srv?.pod ?? target),
    since: ctx.options.sinceMs !== undefined ? `${Math.max(1, Math.round(ctx.options.sinceMs / 60_000))}m` : '1h',
  };
  const both = srv ? `${src(lines)}; ${src(matched)}` : src(lines);
  const passedOn = (detail: string) => {
    ctx.report('log.passed', clientSeg, { reporter: reporter(pod), detail }, src(lines));
    ctx.report('log.passed', 'network', { reporter: 'the network', detail: `the server sidecar logged the same requests (${srv ? (srv.e.requestId ? 'x-request-id ' + srv.e.requestId : 'matched by time') : ''})` }, both);
  };
  if (f.includes('NR')) return ctx.report('log.no-route', clientSeg, base, src(lines));
  if (f.includes('NC')) return ctx.report('log.no-cluster', clientSeg, base, src(lines));
  if (f.includes('UO')) return ctx.report('log.overflow', clientSeg, base, src(lines));
  if (f.includes('UH')) return ctx.report('log.no-healthy', clientSeg, base, src(lines));
  if (f.includes('DC')) return ctx.report('log.downstream-gone', appSegmentOf(pod), base, src(lines));
  if (f.includes('UT')) {
    // The server sidecar logged the same request (by x-request-id): it had handed the request to
    // the app, and the app had not answered when the client side's route timeout fired (the
    // server line then ends with 0 DC downstream_remote_disconnect, or a late answer).
    if (srv && srv.e.requestId !== '' && srv.e.requestId === e.requestId) {
      passedOn('the request reached the server sidecar');
      ctx.report('log.passed', 'server-sidecar', { reporter: reporter(srv.pod), detail: `it passed the request to the app at ${srv.e.upstreamHost || 'the pod'}` }, src(matched));
      const s = srv.e;
      return ctx.report('log.timeout-slow-app', 'server-app', { ...base, upstream: s.upstreamHost || 'the pod', serverDuration: s.duration, serverCode: s.code, serverFlags: s.flags || '-', serverDetails: s.details || '-' }, both);
    }
    return ctx.report('log.timeout', 'server-app', base, src(lines));
  }
  if (srv) {
    const s = srv.e;
    const sf = flags(s);
    const sargs = { ...base, code: s.code, flags: s.flags || '-', details: s.details || '-', reason: s.transportFailure || s.details || '-', host: s.upstreamHost || '-', port: ctx.path.service ? String(ctx.path.service.targetPort) : String(ctx.path.port ?? ''), total, clientCode: e.code, clientFlags: e.flags || '-', clientSide: `the client sidecar passed that ${e.code} on` };
    if (s.details.startsWith('rbac_access_denied')) {
      passedOn('the request reached the server sidecar');
      return ctx.report('log.rbac-denied', 'server-sidecar', sargs, both);
    }
    if (s.details === 'filter_chain_not_found' || (sf.includes('NR') && s.requestId === '' && s.upstreamCluster === '')) {
      const port = /:(\d+)$/.exec(s.downstreamLocal)?.[1] ?? sargs.port;
      return ctx.report('log.no-filter-chain', 'server-sidecar', { ...sargs, proxy: proxyLabel(srv.pod), port }, both);
    }
    if (sf.includes('UF') || sf.includes('URX') || s.details.includes('connection_failure')) {
      passedOn('the request reached the server sidecar');
      ctx.report('log.passed', 'server-sidecar', { reporter: reporter(srv.pod), detail: `it tried to connect to the app at ${s.upstreamHost || 'the pod IP'}` }, src(matched));
      return ctx.report('log.app-refused', 'server-app', sargs, both);
    }
    if (sf.includes('UC') || s.details.includes('connection_termination')) {
      // The app ended the connection the request was on before answering: it crashed, reset
      // the connection, or closed an idle keep-alive connection just as the request arrived.
      // Only the last is a race, and it shows as a few fast failures among successes.
      passedOn('the request reached the server sidecar');
      ctx.report('log.passed', 'server-sidecar', { reporter: reporter(srv.pod), detail: 'it passed the request to the app, which closed the connection' }, src(matched));
      ctx.report('log.app-closed', 'server-app', sargs, both);
      const slowest = Math.max(...matched.map((m) => m.e.duration));
      if (lines.length < total && slowest <= 1) ctx.report('log.app-closed-idle', 'server-app', { count: lines.length, total, duration: slowest }, both);
      return;
    }
    if (s.details === 'via_upstream' && s.code === e.code) {
      passedOn('the request reached the server sidecar');
      ctx.report('log.passed', 'server-sidecar', { reporter: reporter(srv.pod), detail: 'it passed the app\'s answer back (via_upstream)' }, src(matched));
      const match = srv.e.requestId ? `, x-request-id ${srv.e.requestId} on both sides` : ', matched by time';
      return ctx.report('log.app-error', 'server-app', { ...base, total, match }, both);
    }
    return ctx.report('log.other', 'server-sidecar', { ...sargs, reporter: reporter(srv.pod) }, both);
  }
  if (!said.has('server-unseen') && (servers.length > 0 || ctx.path.servers.some((p) => p.proxy?.log !== undefined)) && said.add('server-unseen')) ctx.report('log.server-unseen', 'server-sidecar', {}, summarizeList(ctx.path.servers.map((p) => p.proxy?.files.log).filter((f): f is string => Boolean(f))) || 'server logs');
  if (f.includes('UF') || f.includes('URX') || e.details.includes('connection_failure')) {
    // Refused means something at the server pod's address answered with a reset: the network
    // delivered the connection and nothing listened. In a pod with a sidecar that is its Envoy
    // (iptables sends every inbound connection there; with a Sidecar bind it listens itself). A
    // connect timeout instead is the network (a NetworkPolicy, a pod gone).
    const refused = /connection.refused/i.test(`${e.transportFailure} ${e.details}`);
    const target = ctx.path.servers.find((p) => e.upstreamHost.startsWith(`${p.ip}:`)) ?? ctx.path.servers[0];
    if (refused && target && sidecarContainer(target)) {
      const port = /:(\d+)$/.exec(e.upstreamHost)?.[1] ?? String(ctx.path.port ?? '');
      return ctx.report('log.connect-refused', 'server-sidecar', { ...base, name: target.name, namespace: target.namespace, port }, src(lines));
    }
    if (refused && target) return ctx.report('log.app-refused', 'server-app', { ...base, name: target.name, namespace: target.namespace, host: e.upstreamHost || '-', port: String(ctx.path.port ?? ''), total, reason: e.transportFailure || e.details }, src(lines));
    return ctx.report('log.connect-fail', 'network', base, src(lines));
  }
  if (f.includes('UC') || f.includes('UR') || e.details.includes('connection_termination') || e.details.includes('remote_reset')) return ctx.report('log.reset', 'network', base, src(lines));
  if (e.details.startsWith('rbac_access_denied')) return ctx.report('log.rbac-denied', clientSeg, base, src(lines));
  return ctx.report('log.other', clientSeg, base, src(lines));
}

/**
 * The server sidecars' inbound lines alone: requests the app answered, and failures only the
 * server side can name (the app refusing or closing the connection, an AuthorizationPolicy, a 5xx
 * from the app). Anything else needs the client's line and is left unexplained.
 */
function serverOnly(ctx: ProbeContext, servers: readonly Line[]): void {
  const port = ctx.path.service ? String(ctx.path.service.targetPort) : ctx.path.port !== undefined ? String(ctx.path.port) : undefined;
  const mine = servers.filter((l) => port === undefined || l.e.upstreamCluster.startsWith(`inbound|${port}|`) || l.e.downstreamLocal.endsWith(`:${port}`));
  if (mine.length === 0) return;
  const srv = mine[0]!;
  ctx.report('log.passed', 'network', { reporter: 'the network', detail: `the server sidecar logged ${mine.length} inbound requests (no client-side line to match)` }, src(mine));
  const ok = mine.filter((l) => !isFailure(l.e));
  if (ok.length) {
    const args = { reporter: reporter(ok[0]!.pod), count: ok.length, total: mine.length, codes: codes(ok), detail: 'inbound, via_upstream: the app answered' };
    ctx.report('log.ok', 'server-sidecar', args, src(ok));
    ctx.report('log.ok', 'server-app', args, src(ok));
  }
  for (const lines of groups(mine.filter((l) => isFailure(l.e))).slice(0, MAX_GROUPS)) {
    const s = lines[0]!.e;
    const sf = flags(s);
    const both = src(lines);
    const pod = lines[0]!.pod;
    const args = {
      reporter: reporter(pod),
      name: pod.name,
      namespace: pod.namespace,
      count: lines.length,
      total: mine.length,
      code: s.code,
      flags: s.flags || '-',
      details: s.details || '-',
      reason: s.transportFailure || s.details || '-',
      host: s.upstreamHost || '-',
      port: port ?? '',
      container: appContainer(pod),
      since: ctx.options.sinceMs !== undefined ? `${Math.max(1, Math.round(ctx.options.sinceMs / 60_000))}m` : '1h',
      clientSide: 'no client-side line to compare',
      match: ', no client-side line to compare',
    };
    if (s.details.startsWith('rbac_access_denied')) ctx.report('log.rbac-denied', 'server-sidecar', args, both);
    else if (sf.includes('UF') || sf.includes('URX') || s.details.includes('connection_failure')) ctx.report('log.app-refused', 'server-app', args, both);
    else if (sf.includes('UC') || s.details.includes('connection_termination')) ctx.report('log.app-closed', 'server-app', args, both);
    else if (s.details === 'via_upstream' && s.code >= 500) ctx.report('log.app-error', 'server-app', args, both);
  }
}

function appSegmentOf(p: PodView): SegmentName {
  return p.role === 'gateway' ? 'gateway' : appSegment(p);
}

function appContainer(p: PodView | undefined): string {
  const c = ((p?.object.spec?.containers ?? []) as Record<string, unknown>[]).find((x) => x.name !== 'istio-proxy');
  return String(c?.name ?? 'app');
}
