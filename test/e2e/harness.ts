// Helpers for e2e tests against the loopback harness (see scripts/harness.sh).
// Everything talks to 127.0.0.1 only: the apiserver, and pods via `kubectl port-forward`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const execFileP = promisify(execFile);

export function harnessEnv(): Record<string, string> {
  return inject('harnessEnv');
}

export function kubectlPath(): string {
  const bin = harnessEnv().HARNESS_BIN;
  return bin ? join(bin, 'kubectl') : 'kubectl';
}

/** Runs kubectl against the harness; resolves stdout, rejects with stderr on failure. */
export async function kubectl(args: string[], input?: string, timeoutMs = 60_000): Promise<string> {
  const env = { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG };
  if (input === undefined) {
    const { stdout } = await execFileP(kubectlPath(), args, { env, timeout: timeoutMs, maxBuffer: 64 << 20 });
    return stdout;
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(kubectlPath(), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${err}`));
    });
    child.stdin.end(input);
  });
}

export async function kubectlJSON<T = any>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

export async function apply(manifest: object | string, namespace?: string): Promise<void> {
  const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
  await kubectl(['apply', ...(namespace ? ['-n', namespace] : []), '-f', '-'], text);
}

/** Polls fn until it returns a truthy value (or stops throwing). */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, intervalMs = 500): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Creates a fresh namespace; returns its name and a cleanup function. */
export async function createNamespace(prefix: string, labels: Record<string, string> = {}): Promise<{ name: string; cleanup: () => Promise<void> }> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  await waitFor(`serviceaccount default in ${name}`, () => kubectl(['get', 'serviceaccount', 'default', '-n', name]).then(() => true), 60_000);
  return {
    name,
    cleanup: async () => {
      await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    },
  };
}

export function deployment(name: string, opts: { replicas?: number; port?: number; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): object {
  const labels = { app: name, version: 'v1', ...(opts.labels ?? {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels, annotations: opts.annotations ?? {} },
        spec: {
          containers: [{ name: 'app', image: 'example.invalid/app:1', ports: [{ name: 'http', containerPort: opts.port ?? 8080 }] }],
        },
      },
    },
  };
}

export function service(name: string, port = 8080): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port, targetPort: port }] },
  };
}

/** Waits until `count` pods with label app=<app> are Running and Ready; returns them. */
export async function runningPods(namespace: string, app: string, count: number, timeoutMs = 90_000): Promise<any[]> {
  return waitFor(`${count} running pods app=${app} in ${namespace}`, async () => {
    const list = await kubectlJSON(['get', 'pods', '-n', namespace, '-l', `app=${app}`]);
    const ready = list.items.filter(
      (p: any) => p.status?.phase === 'Running' && p.status?.podIP && !p.metadata.deletionTimestamp &&
        (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    );
    return ready.length === count ? ready : undefined;
  }, timeoutMs);
}

export interface PortForward {
  localPort: number;
  close: () => void;
}

/** `kubectl port-forward <target> :<remotePort>` on 127.0.0.1; resolves with the local port. */
export function portForward(namespace: string, target: string, remotePort: number, timeoutMs = 30_000): Promise<PortForward> {
  return new Promise((resolvePromise, reject) => {
    const env = { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG };
    const child: ChildProcess = spawn(kubectlPath(), ['port-forward', '-n', namespace, '--address', '127.0.0.1', target, `:${remotePort}`], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`port-forward ${target} ${remotePort} did not start: ${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ localPort: Number(m[1]), close: () => child.kill('SIGTERM') });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`port-forward exited ${code}: ${out}`));
    });
  });
}

/** GET through a fresh port-forward; bounded by a timeout. */
export async function getViaPortForward(namespace: string, target: string, remotePort: number, path: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  const pf = await portForward(namespace, target, remotePort);
  try {
    const res = await fetch(`http://127.0.0.1:${pf.localPort}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: await res.text() };
  } finally {
    pf.close();
  }
}

/** The CLI under test: ISTIO_TS_BIN, else the repo's bin/istio-ts.js (the built dist/). */
export const istioTsBin = process.env.ISTIO_TS_BIN ?? new URL('../../bin/istio-ts.js', import.meta.url).pathname;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs istio-ts against the harness (no color), resolving with its exit code and output. */
export function istioTs(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [istioTsBin, ...args],
      { env: { ...process.env, KUBECONFIG: harnessEnv().KUBECONFIG, NO_COLOR: '1', ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** `istio-ts diagnose -o json` as the e2e suites read it. */
export interface DiagnosisEvidence {
  id: string;
  status: 'ok' | 'fault' | 'warning' | 'info';
  summary: string;
  source: string;
}
export interface DiagnosisJSON {
  from: string;
  to: string;
  verdict: { segment: string; confidence: string; summary: string };
  segments: { name: string; status: 'ok' | 'fault' | 'unknown'; evidence: DiagnosisEvidence[] }[];
  nextSteps: string[];
}

/** The JSON diagnose printed, or an error that shows what it printed instead. */
export function parseDiagnosis(r: CliRun): DiagnosisJSON {
  try {
    return JSON.parse(r.stdout) as DiagnosisJSON;
  } catch {
    throw new Error(`diagnose printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** Every evidence item with the segment it was listed under. */
export const allEvidence = (d: Pick<DiagnosisJSON, 'segments'>) => d.segments.flatMap((s) => s.evidence.map((e) => ({ ...e, segment: s.name })));

/**
 * istiod had a push to a proxy on the path in flight when the diagnosis read /debug/syncz (sent
 * nonce not yet acked: evidence sync.stale, "normal during a push"). Other suites' namespaces come
 * and go, so istiod pushes to every proxy at any time; one read can land in such a window.
 */
export const pushInFlight = (d: Pick<DiagnosisJSON, 'segments'>): boolean => allEvidence(d).some((e) => e.id === 'sync.stale');

/**
 * Reads (a live diagnose, a capture and its offline diagnosis, …) until the diagnosis saw no push
 * in flight, bounded; resolves with that read. A push that stays unacked fails, naming `what`.
 */
export async function withoutPushInFlight<T>(what: string, read: () => Promise<T>, diagnosis: (t: T) => Pick<DiagnosisJSON, 'segments'>, timeoutMs = 60_000): Promise<T> {
  return waitFor(`${what} with no push in flight (istiod's sent nonces acked)`, async () => {
    const t = await read();
    const d = diagnosis(t);
    if (!pushInFlight(d)) return t;
    throw new Error(allEvidence(d).filter((e) => e.id === 'sync.stale').map((e) => e.summary).join('; '));
  }, timeoutMs, 1000);
}

/**
 * Waits until a pod created in `namespace` now would be injected by control plane revision
 * `revision` (a server-side dry run: the admission webhooks run, nothing is stored). A webhook
 * configuration just written (tag set) or a namespace label just changed takes effect once the API
 * server's own caches have it, not when the write returns: a pod created before that is not injected.
 */
export async function injectsWith(namespace: string, revision: string, timeoutMs = 60_000): Promise<void> {
  const probe = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'inject-probe-' }, spec: { containers: [{ name: 'app', image: 'example.invalid/app:1' }] } });
  await waitFor(`a pod created in ${namespace} injected by revision ${revision} (server-side dry run)`, async () => {
    const pod = JSON.parse(await kubectl(['create', '--dry-run=server', '-n', namespace, '-o', 'json', '-f', '-'], probe));
    const status = pod.metadata?.annotations?.['sidecar.istio.io/status'];
    if (status === undefined) throw new Error('not injected');
    const got = JSON.parse(status).revision;
    if (got !== revision) throw new Error(`injected by revision ${got}`);
    return true;
  }, timeoutMs, 1000);
}
