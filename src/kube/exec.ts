/**
 * kubeconfig `exec` credential plugins (client.authentication.k8s.io), run as kubectl runs them:
 * the command with its args (no shell), the kubeconfig's env on top of ours, KUBERNETES_EXEC_INFO
 * describing the request, and the ExecCredential read from stdout. The caller caches the result
 * until status.expirationTimestamp, so a command runs the plugin once.
 */
import { spawn } from 'node:child_process';
import { KubeError } from './types.js';

export interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[] | null;
  readonly env?: readonly { name: string; value: string }[] | null;
  readonly apiVersion?: string;
  readonly provideClusterInfo?: boolean;
  readonly interactiveMode?: string;
  readonly installHint?: string;
}

export interface ExecCredential {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  readonly expirationTimestamp?: string;
}

export function runExecPlugin(
  exec: ExecConfig,
  opts: { env: Readonly<Record<string, string | undefined>>; timeoutMs: number; server: string; caData?: string },
): Promise<ExecCredential> {
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1';
  const info = {
    apiVersion,
    kind: 'ExecCredential',
    spec: {
      interactive: false,
      ...(exec.provideClusterInfo ? { cluster: { server: opts.server, ...(opts.caData ? { 'certificate-authority-data': opts.caData } : {}) } } : {}),
    },
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
  for (const e of exec.env ?? []) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify(info);
  const what = `credential plugin "${exec.command}"`;
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const fail = (e: KubeError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    };
    const child = spawn(exec.command, [...(exec.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer =
      opts.timeoutMs > 0
        ? setTimeout(() => {
            child.kill();
            fail(new KubeError(`timed out after ${opts.timeoutMs / 1000} s: ${what} did not finish`, undefined, 'timeout', 'Raise --request-timeout if the plugin needs longer (an interactive login, for one).'));
          }, opts.timeoutMs)
        : undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const hint = exec.installHint?.trim() || `Install ${exec.command} or fix the user's exec.command in the kubeconfig.`;
      fail(new KubeError(`${what}: ${e.code === 'ENOENT' ? 'executable file not found' : e.message}`, undefined, 'unauthorized', hint));
    });
    child.on('close', (code) => {
      if (settled) return;
      if (code !== 0) return fail(new KubeError(`${what} exited with status ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`, undefined, 'unauthorized'));
      let parsed: { status?: ExecCredential };
      try {
        parsed = JSON.parse(stdout) as { status?: ExecCredential };
      } catch {
        return fail(new KubeError(`${what} printed something that is not an ExecCredential (JSON expected)`, undefined, 'unauthorized'));
      }
      const status = parsed.status;
      if (!status || (!status.token && !(status.clientCertificateData && status.clientKeyData))) {
        return fail(new KubeError(`${what} returned no token and no client certificate`, undefined, 'unauthorized'));
      }
      settled = true;
      clearTimeout(timer);
      resolve(status);
    });
  });
}
