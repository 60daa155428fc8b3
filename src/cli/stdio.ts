import { fstatSync, statSync, writeSync, type Stats } from 'node:fs';
import type { Writable } from './io.js';

/**
 * Standard output or error for a command, created on first write.
 *
 * When the descriptor is a pipe, a socket, a regular file or the null device (CI logs, `| grep`,
 * a parent process's stdio pipe, which Node and libuv make a socket, `> out.json`, `> /dev/null`),
 * text goes out with fs.writeSync: process.stdout/stderr write synchronously there too on Linux,
 * and creating the stream (node:net or fs streams and their dependencies) was ~2.3 ms of every
 * start. A terminal or anything else gets the process stream itself, so that isTTY, columns and
 * colour work as Node provides them. If a write would block (EAGAIN: a non-blocking
 * pipe that is full), that text and everything after it goes through the process stream, in order.
 * A reader that went away (EPIPE: `istio-ts … | head`) ends the process at once with 141, the
 * status istioctl and every Go program get there (killed by SIGPIPE): the command did not finish,
 * so its outcome is unknown, and under `set -o pipefail` that must not read as success.
 */
/** 128 + SIGPIPE: what a shell reports for a process the closed pipe killed (istioctl, Go). */
const EXIT_SIGPIPE = 141;

let streamCreated = false;

/** Whether any process stream was created: its writes may still be queued when the command ends. */
export function processStreamCreated(): boolean {
  return streamCreated;
}

export function standardOutput(fd: number, stream: () => NodeJS.WriteStream): Writable {
  let direct = writesDirectly(fd);
  let guarded: NodeJS.WriteStream | undefined;
  const real = (): NodeJS.WriteStream => {
    if (!guarded) {
      streamCreated = true;
      guarded = stream();
      guarded.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(EXIT_SIGPIPE);
        throw e;
      });
    }
    return guarded;
  };
  // Writing nothing creates nothing: a command with no findings prints '' to stdout.
  if (!direct) return lazyStream(real);
  return {
    write(s: string): boolean {
      if (!direct) return real().write(s);
      if (s.length === 0) return true;
      const buf = Buffer.from(s, 'utf8');
      let off = 0;
      try {
        while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
        return true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') process.exit(EXIT_SIGPIPE);
        if (code !== 'EAGAIN') throw e;
        direct = false;
        return real().write(buf.subarray(off));
      }
    },
  };
}

/** The process stream, created when first used (an empty write does not): its properties (isTTY, columns, on…) pass through. */
function lazyStream(real: () => NodeJS.WriteStream): Writable {
  return new Proxy({} as NodeJS.WriteStream, {
    get: (_t, k) => {
      if (k === 'write') return (s: string | Uint8Array) => s.length === 0 || real().write(s);
      const s = real();
      const v = Reflect.get(s, k, s) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(s) : v;
    },
    has: (_t, k) => Reflect.has(real(), k),
  });
}

function writesDirectly(fd: number): boolean {
  const st = statOf(fd);
  return st !== undefined && (st.isFIFO() || st.isSocket() || st.isFile() || isNullDevice(st));
}

function statOf(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

/**
 * /dev/null: a character device, like a terminal, but never one. Telling them apart by its device
 * number (read once) spares loading node:tty (and node:net under it, ~1.5 ms) to ask isatty.
 */
let nullRdev: number | null | undefined;
function isNullDevice(st: Stats): boolean {
  if (!st.isCharacterDevice() || process.platform === 'win32') return false;
  if (nullRdev === undefined) {
    try {
      nullRdev = statSync('/dev/null').rdev;
    } catch {
      nullRdev = null;
    }
  }
  return st.rdev === nullRdev;
}

/**
 * Whether the descriptor is a terminal (what process.stdout.isTTY says), without creating the
 * process stream: only a character device other than /dev/null loads node:tty to ask.
 */
export function isTerminal(fd: number): boolean {
  const st = statOf(fd);
  if (st === undefined || !st.isCharacterDevice() || isNullDevice(st)) return false;
  return process.getBuiltinModule('node:tty').isatty(fd);
}
