/** The streams and environment a command runs with. Only main.ts binds these to the process. */
export interface IO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly readStdin: () => Promise<string>;
  /** Standard input as bytes, where its encoding is checked (UTF-16, invalid UTF-8) as a file's is. */
  readonly readStdinBytes?: () => Promise<Buffer>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** stdout is a terminal. */
  readonly isTTY: boolean;
  /** stdin is a terminal (prompts are possible). */
  readonly stdinIsTTY: boolean;
  /** Asks a question on stderr and reads one line from stdin (only when stdinIsTTY). */
  readonly prompt?: (question: string) => Promise<string>;
}

export interface Writable {
  write(s: string): unknown;
}

export { decideColor, type ColorMode } from '../output/color.js';
