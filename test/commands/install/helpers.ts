import { CommandContext } from '../../../src/cli/context.js';
import type { IO } from '../../../src/cli/io.js';
import type { ClusterDeps } from '../../../src/install/deps.js';
import { FakeKube, fakeClock } from '../../install/fake-kube.js';

export interface Captured {
  ctx: CommandContext;
  out: () => string;
  err: () => string;
}

export function capture(opts: { output?: string; prompt?: (q: string) => Promise<string>; stdinIsTTY?: boolean } = {}): Captured {
  let out = '';
  let err = '';
  const io: IO & { prompt?: (q: string) => Promise<string> } = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => '',
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    stdinIsTTY: opts.stdinIsTTY ?? false,
    ...(opts.prompt ? { prompt: opts.prompt } : {}),
  };
  const ctx = new CommandContext(io, { istioNamespace: 'istio-system', color: 'never', ...(opts.output ? { output: opts.output } : {}) });
  return { ctx, out: () => out, err: () => err };
}

export function deps(kube: FakeKube): ClusterDeps & { connects: () => number } {
  let n = 0;
  return {
    connect: async () => (n++, kube),
    clock: fakeClock(),
    connects: () => n,
  };
}
