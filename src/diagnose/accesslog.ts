/**
 * Envoy access-log lines as Istio writes them to the istio-proxy container's stdout, in Istio's
 * default TEXT format (pilot/pkg/model/telemetry_logging.go EnvoyTextLogFormat, since 1.9):
 *
 *   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 *   %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
 *   "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION%
 *   %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 *   "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW%
 *   %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
 *   %REQUESTED_SERVER_NAME% %ROUTE_NAME%
 *
 * or the JSON encoding (meshConfig.accessLogEncoding: JSON) with the same fields in snake_case.
 * The same log carries pilot-agent lines ("2024-05-01T10:00:00.000000Z\tinfo\t…"); those are skipped.
 * Envoy writes "-" for an empty field; it is read as "".
 */
export interface AccessLogEntry {
  /** 1-based line in the log file. */
  readonly line: number;
  readonly startTime: string;
  readonly method: string;
  readonly path: string;
  readonly protocol: string;
  readonly code: number;
  readonly flags: string;
  readonly details: string;
  readonly terminationDetails: string;
  readonly transportFailure: string;
  readonly duration: number;
  readonly requestId: string;
  readonly authority: string;
  readonly upstreamHost: string;
  readonly upstreamCluster: string;
  readonly downstreamLocal: string;
  readonly downstreamRemote: string;
  readonly routeName: string;
}

const dash = (s: string | undefined): string => (s === undefined || s === '-' ? '' : s);

/** Splits a text line into [bracketed] and "quoted" fields and bare words. */
function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ') {
      i++;
      continue;
    }
    const close = c === '[' ? ']' : c === '"' ? '"' : undefined;
    if (close) {
      const j = line.indexOf(close, i + 1);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i + 1, end));
      i = end + 1;
    } else {
      const j = line.indexOf(' ', i);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i, end));
      i = end;
    }
  }
  return out;
}

function fromText(line: string, n: number): AccessLogEntry | undefined {
  if (!line.startsWith('[')) return undefined;
  const t = tokenize(line);
  if (t.length < 17) return undefined;
  const code = Number(t[2]);
  if (!Number.isInteger(code)) return undefined;
  const [method = '', path = '', protocol = ''] = (t[1] ?? '').split(' ');
  return {
    line: n,
    startTime: t[0]!,
    method: dash(method),
    path: dash(path),
    protocol: dash(protocol),
    code,
    flags: dash(t[3]),
    details: dash(t[4]),
    terminationDetails: dash(t[5]),
    transportFailure: dash(t[6]),
    duration: Number(t[9]) || 0,
    requestId: dash(t[13]),
    authority: dash(t[14]),
    upstreamHost: dash(t[15]),
    upstreamCluster: dash(t[16]),
    downstreamLocal: dash(t[18]),
    downstreamRemote: dash(t[19]),
    routeName: dash(t[21]),
  };
}

function fromJson(line: string, n: number): AccessLogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!('response_code' in o) || !('start_time' in o)) return undefined;
  const s = (k: string) => (o[k] === null || o[k] === undefined ? '' : dash(String(o[k])));
  return {
    line: n,
    startTime: s('start_time'),
    method: s('method'),
    path: s('path'),
    protocol: s('protocol'),
    code: Number(o.response_code) || 0,
    flags: s('response_flags'),
    details: s('response_code_details'),
    terminationDetails: s('connection_termination_details'),
    transportFailure: s('upstream_transport_failure_reason'),
    duration: Number(o.duration) || 0,
    requestId: s('request_id'),
    authority: s('authority'),
    upstreamHost: s('upstream_host'),
    upstreamCluster: s('upstream_cluster'),
    downstreamLocal: s('downstream_local_address'),
    downstreamRemote: s('downstream_remote_address'),
    routeName: s('route_name'),
  };
}

/** The access-log entries of a container log, in order; other lines are skipped. */
export function parseAccessLog(text: string): AccessLogEntry[] {
  const out: AccessLogEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    const e = fromText(l, i + 1) ?? fromJson(l, i + 1);
    if (e) out.push(e);
  }
  return out;
}

/** Client-side (outbound|…) or server-side (inbound|…) line, from the cluster it went to. */
export function direction(e: AccessLogEntry): 'outbound' | 'inbound' | 'other' {
  if (e.upstreamCluster.startsWith('outbound|')) return 'outbound';
  if (e.upstreamCluster.startsWith('inbound|')) return 'inbound';
  // A local reply before any cluster was picked has no upstream cluster; on a sidecar's inbound
  // side Istio names the route "default" (or inbound|port||), on the outbound side by host.
  if (e.routeName === 'default' || e.routeName.startsWith('inbound|')) return 'inbound';
  return 'other';
}

export function isFailure(e: AccessLogEntry): boolean {
  return e.code === 0 || e.code >= 500 || e.flags !== '' || (e.code === 403 && e.details.startsWith('rbac_access_denied'));
}
