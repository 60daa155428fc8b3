import type { Implementation } from '../../cli/command.js';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../cli/errors.js';
import { TagError, checkTag, deactivateDefaultWebhook, listTags, namespacesWithTag, tagObjects, tagObjectsInCluster, type TagOptions } from '../../install/tag.js';
import { withHint } from '../../util/errors.js';
import type { KubeObject, KubeWriteClient } from '../../kube/types.js';
import { KubeError } from '../../kube/types.js';
import { goYaml } from '../../output/go-yaml.js';
import { renderTable } from '../../output/table.js';
import { confirm } from '../../cli/prompt.js';
import type { TagListFlags, TagRemoveFlags, TagSetFlags } from './index.js';

const FIELD_MANAGER = 'istio-ts';

export interface TagDeps {
  readonly connect: () => Promise<KubeWriteClient>;
}

/** A tag name becomes a label value and part of object names: a DNS-1123 label. */
function validateTag(tag: string): void {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(tag) || tag.length > 63) {
    throw new UsageError(`invalid revision tag "${tag}": use lower-case letters, digits and "-" (a DNS-1123 label)`);
  }
}

/** Tag and Kubernetes errors carry their kind; this only adds what the reader can do next. */
async function guard<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof KubeError && (e.kind === 'forbidden' || e.kind === 'unauthorized')) {
      throw withHint(e, 'Revision tags need list/create/delete on mutatingwebhookconfigurations and validatingwebhookconfigurations, and on services in the Istio namespace.');
    }
    throw e;
  }
}

type SetOptions = TagOptions & { overwrite: boolean };

function options(ctx: CommandContext, tag: string, f: TagSetFlags): SetOptions {
  validateTag(tag);
  if (!f.revision) throw new UsageError('--revision is required: the control plane revision the tag points to');
  return {
    tag,
    revision: f.revision,
    istioNamespace: ctx.globals.istioNamespace,
    overwrite: f.overwrite,
    autoInjectNamespaces: f.autoInjectNamespaces,
    skipConfirmation: f.skipConfirmation,
    ...(f.webhookName ? { webhookName: f.webhookName } : {}),
  };
}

const live = (ctx: CommandContext): TagDeps => ({ connect: () => ctx.connectKube() });

/** tag set / tag generate / tag list / tag remove, each run → a text or rows → its printers. */
export const implementations = {
  set: {
    validate: ({ flags, args }, ctx) => options(ctx, args[0]!, flags),
    run: (ctx, o) => set(ctx, o, live(ctx)),
    printers: { text: (t) => t },
    exitCode: () => 0,
  } satisfies Implementation<TagSetFlags, 'text', SetOptions, string>,
  generate: {
    validate: ({ flags, args }, ctx) => options(ctx, args[0]!, flags),
    run: (ctx, o) => generate(o, live(ctx)),
    printers: { text: (t) => t },
    exitCode: () => 0,
  } satisfies Implementation<TagSetFlags, 'text', SetOptions, string>,
  list: {
    validate: () => ({}),
    run: (ctx) => list(ctx, live(ctx)),
    printers: {
      // tabwriter with padding 1, as istioctl.
      table: (rows) => (rows.length === 0 ? 'No Istio revision tags found.\n' : renderTable(['TAG', 'REVISION', 'NAMESPACES'], rows.map((r) => [r.tag, r.revision, r.namespaces.join(',')]), { padding: 1 })),
      json: (rows) => `${JSON.stringify(rows, null, '\t')}\n`,
      yaml: (rows) => `${goYaml(rows)}\n`,
    },
    exitCode: () => 0,
  } satisfies Implementation<TagListFlags, 'table' | 'json' | 'yaml', object, TagRow[]>,
  remove: {
    validate: ({ flags, args }) => {
      validateTag(args[0]!);
      return { tag: args[0]!, yes: flags.skipConfirmation };
    },
    run: (ctx, o) => remove(ctx, o.tag, o.yes, live(ctx)),
    printers: { text: (t) => t },
    exitCode: () => 0,
  } satisfies Implementation<TagRemoveFlags, 'text', { tag: string; yes: boolean }, string>,
};

type TagRow = { tag: string; revision: string; namespaces: string[] };

/** istioctl prints the objects as the Kubernetes YAML serializer does: sorted keys, documents joined by "\n---\n". */
export function renderObjects(objs: readonly KubeObject[]): string {
  return objs.map((o) => goYaml(o)).join('\n---\n');
}

async function generate(o: SetOptions, deps: TagDeps): Promise<string> {
  const kube = await guard(deps.connect);
  const src = await guard(() => checkTag(kube, { ...o, generate: true }));
  return renderObjects(tagObjects(o, src));
}

/** tag generate on given options (tests). */
export async function tagGenerate(ctx: CommandContext, o: SetOptions, deps: TagDeps): Promise<number> {
  ctx.out(await generate(o, deps));
  return 0;
}

/** tag set on given options (tests). */
export async function tagSet(ctx: CommandContext, o: SetOptions, deps: TagDeps): Promise<number> {
  ctx.out(await set(ctx, o, deps));
  return 0;
}

async function set(ctx: CommandContext, o: SetOptions, deps: TagDeps): Promise<string> {
  const kube = await guard(deps.connect);
  const src = await guard(() => checkTag(kube, { ...o, generate: false }));
  const objs = tagObjects(o, src);
  await guard(async () => {
    if (o.tag === 'default') {
      const off = await deactivateDefaultWebhook(kube, FIELD_MANAGER);
      if (off) ctx.err(`Switched off the untagged default injector webhook ${off}: the "default" tag now handles istio-injection=enabled.\n`);
    }
    for (const obj of objs) await kube.apply(obj, { fieldManager: FIELD_MANAGER, force: true });
  });
  return `Revision tag "${o.tag}" created, referencing control plane revision "${o.revision}". To enable injection using this\nrevision tag, use 'kubectl label namespace <NAMESPACE> istio.io/rev=${o.tag}'\n`;
}

async function list(ctx: CommandContext, deps: TagDeps): Promise<TagRow[]> {
  const kube = await guard(deps.connect);
  const rows = await guard(() => listTags(kube, ctx.globals.istioNamespace));
  return rows.map((r) => ({ tag: r.tag, revision: r.revision, namespaces: r.namespaces }));
}

/** tag list (tests). */
export async function tagList(ctx: CommandContext, deps: TagDeps): Promise<number> {
  const format = ctx.outputFormat(['table', 'json', 'yaml'] as const, 'table');
  ctx.out(implementations.list.printers[format](await list(ctx, deps)));
  return 0;
}

/** tag remove (tests). */
export async function tagRemove(ctx: CommandContext, tag: string, yes: boolean, deps: TagDeps): Promise<number> {
  ctx.out(await remove(ctx, tag, yes, deps));
  return 0;
}

async function remove(ctx: CommandContext, tag: string, yes: boolean, deps: TagDeps): Promise<string> {
  const kube = await guard(deps.connect);
  const ns = ctx.globals.istioNamespace;
  const found = await guard(() => tagObjectsInCluster(kube, ns, tag));
  if (found.webhooks.length === 0 && found.services.length === 0) {
    throw new TagError(`cannot remove tag "${tag}": cannot find MutatingWebhookConfiguration or Service for tag`, 'notfound', 'List the tags with: istio-ts tag list');
  }
  const using = await guard(() => namespacesWithTag(kube, tag));
  if (using.length > 0 && !(await confirm(ctx, `Caution, found ${using.length} namespace(s) still injected by tag "${tag}": ${using.join(' ')}\nProceed with operation?`, yes))) {
    return 'Aborting operation.\n';
  }
  await guard(async () => {
    for (const w of found.webhooks) await kube.remove('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, w.metadata!.name!);
    for (const v of found.validators) await kube.remove('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, v.metadata!.name!);
    for (const s of found.services) await kube.remove('v1', 'Service', ns, s.metadata!.name!);
  });
  return `Revision tag ${tag} removed\n`;
}
