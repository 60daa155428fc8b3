/**
 * The injection templates istio-ts ships: Go text/template text, read from
 * data/inject/templates/*.tmpl (data/ ships with the package). The same text goes into the istio-sidecar-injector ConfigMap
 * (`istio-ts install` / `manifest generate`) and is rendered by `kube-inject`, so the webhook and
 * offline injection cannot drift.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Template names in the injector config, and the file each one lives in. */
export const BUILTIN_TEMPLATE_FILES: Readonly<Record<string, string>> = {
  gateway: 'gateway.tmpl',
  'grpc-agent': 'grpc-agent.tmpl',
  'grpc-simple': 'grpc-simple.tmpl',
  sidecar: 'sidecar.tmpl',
};

function templateDirs(): URL[] {
  // src/inject/ (vitest) and dist/inject/ (the built CLI) are both two levels below the root.
  return [new URL('../../data/inject/templates/', import.meta.url)];
}

let cache: Record<string, string> | null = null;

/** The built-in templates by name (cached after the first read). */
export function builtinTemplates(): Readonly<Record<string, string>> {
  if (cache) return cache;
  const out: Record<string, string> = {};
  for (const [name, file] of Object.entries(BUILTIN_TEMPLATE_FILES)) {
    const dir = templateDirs().find((d) => existsSync(new URL(file, d)));
    if (!dir) throw new Error(`injection template ${file} not found next to ${import.meta.url}`);
    out[name] = readFileSync(new URL(file, dir), 'utf8');
  }
  cache = out;
  return out;
}
