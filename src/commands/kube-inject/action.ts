import { existsSync } from 'node:fs';
import { fsp } from '../../util/lazy-fs.js';
import { isAbsolute, resolve } from 'node:path';
import type { Implementation } from '../../cli/command.js';
import { ExitCode, UsageError, UserError } from '../../cli/errors.js';
import type { CommandContext } from '../../cli/context.js';
import { injectText, InjectionError } from '../../inject/inject.js';
import { buildSettings, resolveNativeSidecars, SettingsError, type NativeSidecarMode } from '../../inject/settings.js';
import { TemplateSyntaxError } from '../../inject/template/index.js';
import { resolveSources } from './sources.js';
import type { KubeInjectFlags } from './index.js';

async function readInput(ctx: CommandContext, file: string, what: string): Promise<string> {
  if (file === '-') return ctx.io.readStdin();
  const path = isAbsolute(file) ? file : resolve(ctx.io.cwd, file);
  try {
    return await fsp().readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`open ${file}: no such file or directory`, ExitCode.NoInput, `check the ${what} path`);
    throw new UserError(`cannot read ${what} ${file}: ${(e as Error).message}`, ExitCode.NoInput);
  }
}

/** The injected documents, and the file they were written to (-o FILE) or undefined for stdout. */
interface Result {
  readonly text: string;
  readonly writtenTo?: string;
}

export const implementation: Implementation<KubeInjectFlags, 'yaml', KubeInjectFlags & { filename: string }, Result> = {
  // Validate everything before reading anything.
  validate: ({ flags }) => {
    if (!flags.filename) throw new UsageError('filename not specified (see --filename or -f)');
    return { ...flags, filename: flags.filename };
  },
  run: async (ctx, o) => {
    const output = ctx.globals.output; // istioctl's -o/--output is the output FILE for kube-inject
    const [input, injectConfig, values, meshConfig, operator] = await Promise.all([
      readInput(ctx, o.filename, 'input'),
      o.injectConfigFile ? readInput(ctx, o.injectConfigFile, '--injectConfigFile') : undefined,
      o.valuesFile ? readInput(ctx, o.valuesFile, '--valuesFile') : undefined,
      o.meshConfigFile ? readInput(ctx, o.meshConfigFile, '--meshConfigFile') : undefined,
      o.operatorFileName ? readInput(ctx, o.operatorFileName, '--operatorFileName') : undefined,
    ]);
    const sources = await resolveSources(
      {
        offline: o.offline === true,
        nativeSidecars: o.nativeSidecars,
        istioNamespace: ctx.globals.istioNamespace,
        ...(o.revision !== undefined ? { revision: o.revision } : {}),
        ...(ctx.globals.kubeconfig ? { kubeconfig: ctx.globals.kubeconfig } : {}),
        ...(injectConfig !== undefined ? { injectConfig: { text: injectConfig, source: o.injectConfigFile! } } : {}),
        ...(values !== undefined ? { values: { text: values, source: o.valuesFile! } } : {}),
        ...(meshConfig !== undefined ? { meshConfig: { text: meshConfig, source: o.meshConfigFile! } } : {}),
        ...(operator !== undefined ? { operator: { text: operator, source: o.operatorFileName! } } : {}),
      },
      {
        env: ctx.io.env,
        exists: existsSync,
        connect: async () => {
          return ctx.connectKube();
        },
      },
    );
    for (const n of sources.notes) ctx.err(`${n}\n`);
    const settings = buildSettings({
      sets: o.set,
      ...(sources.injectConfig ? (sources.origin === 'cluster' ? { injectorConfigText: sources.injectConfig } : { injectConfigText: sources.injectConfig }) : {}),
      ...(sources.operator ? { operatorText: sources.operator } : {}),
      ...(sources.values ? { valuesText: sources.values } : {}),
      ...(sources.meshConfig ? { meshConfigText: sources.meshConfig } : {}),
      ...(o.revision !== undefined ? { revision: o.revision } : {}),
      nativeSidecars: sources.nativeSidecars ?? (sources.origin === 'cluster' ? o.nativeSidecars : resolveNativeSidecars(o.nativeSidecars, sources.origin, ctx.io.env)),
      istioNamespace: ctx.globals.istioNamespace,
      env: ctx.io.env,
    });
    const result = injectText(input, settings);
    for (const w of result.warnings) ctx.err(`${w}\n`);
    if (output && output !== '-') {
      const path = isAbsolute(output) ? output : resolve(ctx.io.cwd, output);
      try {
        await fsp().writeFile(path, result.text, 'utf8');
      } catch (e) {
        throw new UserError(`cannot write ${output}: ${(e as Error).message}`, ExitCode.Error);
      }
      return { text: result.text, writtenTo: path };
    }
    return { text: result.text };
  },
  // With -o FILE the documents went to the file; stdout stays empty.
  printers: { yaml: (r) => (r.writtenTo ? '' : r.text) },
  exitCode: () => ExitCode.OK,
};
