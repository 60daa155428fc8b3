import type { Implementation } from '../../cli/command.js';
import { injectorConfigMapData } from '../../inject/configmap.js';
import { generate, parseSets } from '../../install/generate.js';
import type { RenderedObject } from '../../install/types.js';
import type { GenerateFlags, GenerateFormat } from './index.js';
import { renderJsonManifest, renderYamlManifest } from './print.js';

interface Options {
  readonly files: readonly string[];
  readonly sets: readonly string[];
  readonly revision?: string | undefined;
  readonly manifests?: string | undefined;
}

export const implementation: Implementation<GenerateFlags, GenerateFormat, Options, RenderedObject[]> = {
  validate: ({ flags }) => {
    parseSets(flags.set);
    return { files: flags.filename, sets: flags.set, revision: flags.revision, manifests: flags.manifests };
  },
  run: async (ctx, o) => {
    if (o.manifests) ctx.err(`Warning: --manifests ${o.manifests} ignored; istio-ts renders from its built-in charts and profiles\n`);
    const result = await generate({ files: o.files, sets: o.sets, ...(o.revision !== undefined ? { revision: o.revision } : {}), cwd: ctx.io.cwd, readStdin: ctx.io.readStdin }, injectorConfigMapData);
    for (const w of result.warnings) ctx.err(`Warning: ${w}\n`);
    return result.objects;
  },
  printers: {
    yaml: (objects) => renderYamlManifest(objects),
    json: (objects) => renderJsonManifest(objects),
  },
  exitCode: () => 0,
};
