import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { injectorConfigMapData } from '../../inject/configmap.js';
import { renderJsonManifest, renderYamlManifest } from './print.js';
import { generate, parseSets } from '../../install/generate.js';

export async function runGenerate(ctx: CommandContext, cmd: Command): Promise<number> {
  const o = cmd.opts() as { filename: string[]; set: string[]; revision?: string; manifests?: string };
  const format = ctx.outputFormat(['yaml', 'json'] as const, 'yaml');
  parseSets(o.set);
  if (o.manifests) ctx.err(`Warning: --manifests ${o.manifests} ignored; istio-ts renders from its built-in charts and profiles\n`);
  const result = await generate(
    { files: o.filename, sets: o.set, ...(o.revision !== undefined ? { revision: o.revision } : {}), cwd: ctx.io.cwd, readStdin: ctx.io.readStdin },
    injectorConfigMapData,
  );
  for (const w of result.warnings) ctx.err(`Warning: ${w}\n`);
  ctx.out(format === 'json' ? renderJsonManifest(result.objects) : renderYamlManifest(result.objects));
  return 0;
}
