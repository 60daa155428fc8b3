import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Filled in by scripts/build.mjs (no file read at start-up); tests run from src/ read package.json. */
declare const __ISTIO_TS_VERSION__: string | undefined;
export const VERSION = typeof __ISTIO_TS_VERSION__ === 'string' ? __ISTIO_TS_VERSION__ : readVersion();
