import type { Command } from 'commander';
import type { CommandContext } from '../../cli/context.js';
import { UsageError } from '../../cli/errors.js';
import { TagError, checkTag, deactivateDefaultWebhook, listTags, namespacesWithTag, tagObjects, tagObjectsInCluster, type TagOptions } from '../../install/tag.js';
import { withHint } from '../../util/errors.js';
import type { KubeObject, KubeWriteClient } from '../../kube/types.js';
import { KubeError } from '../../kube/types.js';
import { goYaml } from '../../output/go-yaml.js';
import { renderTable } from '../../output/table.js';
import { confirm } from '../install/shared.js';

const FIELD_MANAGER = 'istio-ts';

interface SetFlags {
  revision: string;
  overwrite: boolean;
  webhookName?: string;
  autoInjectNamespaces: boolean;
  skipConfirmation: boolean;
}

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

function options(ctx: CommandContext, cmd: Command): TagOptions & { overwrite: boolean } {
  const tag = cmd.args[0]!;
  validateTag(tag);
  const f = cmd.opts() as SetFlags;
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

/** istioctl prints the objects as the Kubernetes YAML serializer does: sorted keys, documents joined by "\n---\n". */
export function renderObjects(objs: readonly KubeObject[]): string {
  return objs.map((o) => goYaml(o)).join('\n---\n');
}

export async function runGenerate(ctx: CommandContext, cmd: Command): Promise<number> {
  return tagGenerate(ctx, options(ctx, cmd), { connect: () => ctx.connectKube() });
}

export async function tagGenerate(ctx: CommandContext, o: TagOptions & { overwrite: boolean }, deps: TagDeps): Promise<number> {
  const kube = await guard(deps.connect);
  const src = await guard(() => checkTag(kube, { ...o, generate: true }));
  ctx.out(renderObjects(tagObjects(o, src)));
  return 0;
}

export async function runSet(ctx: CommandContext, cmd: Command): Promise<number> {
  return tagSet(ctx, options(ctx, cmd), { connect: () => ctx.connectKube() });
}

export async function tagSet(ctx: CommandContext, o: TagOptions & { overwrite: boolean }, deps: TagDeps): Promise<number> {
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
  ctx.out(`Revision tag "${o.tag}" created, referencing control plane revision "${o.revision}". To enable injection using this\nrevision tag, use 'kubectl label namespace <NAMESPACE> istio.io/rev=${o.tag}'\n`);
  return 0;
}

export async function runList(ctx: CommandContext, _cmd: Command): Promise<number> {
  return tagList(ctx, { connect: () => ctx.connectKube() });
}

export async function tagList(ctx: CommandContext, deps: TagDeps): Promise<number> {
  const format = ctx.outputFormat(['table', 'json', 'yaml'] as const, 'table');
  const kube = await guard(deps.connect);
  const rows = await guard(() => listTags(kube, ctx.globals.istioNamespace));
  if (format === 'table') {
    if (rows.length === 0) ctx.out('No Istio revision tags found.\n');
    // tabwriter with padding 1, as istioctl.
    else ctx.out(renderTable(['TAG', 'REVISION', 'NAMESPACES'], rows.map((r) => [r.tag, r.revision, r.namespaces.join(',')]), { padding: 1 }));
    return 0;
  }
  const value = rows.map((r) => ({ tag: r.tag, revision: r.revision, namespaces: r.namespaces }));
  ctx.out(format === 'json' ? `${JSON.stringify(value, null, '\t')}\n` : `${goYaml(value)}\n`);
  return 0;
}

export async function runRemove(ctx: CommandContext, cmd: Command): Promise<number> {
  const tag = cmd.args[0]!;
  validateTag(tag);
  const f = cmd.opts() as { skipConfirmation: boolean };
  return tagRemove(ctx, tag, f.skipConfirmation, { connect: () => ctx.connectKube() });
}

export async function tagRemove(ctx: CommandContext, tag: string, yes: boolean, deps: TagDeps): Promise<number> {
  const kube = await guard(deps.connect);
  const ns = ctx.globals.istioNamespace;
  const found = await guard(() => tagObjectsInCluster(kube, ns, tag));
  if (found.webhooks.length === 0 && found.services.length === 0) {
    throw new TagError(`cannot remove tag "${tag}": cannot find MutatingWebhookConfiguration or Service for tag`, 'notfound', 'List the tags with: istio-ts tag list');
  }
  const using = await guard(() => namespacesWithTag(kube, tag));
  if (using.length > 0 && !(await confirm(ctx, `Caution, found ${using.length} namespace(s) still injected by tag "${tag}": ${using.join(' ')}\nProceed with operation?`, yes))) {
    ctx.out('Aborting operation.\n');
    return 0;
  }
  await guard(async () => {
    for (const w of found.webhooks) await kube.remove('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, w.metadata!.name!);
    for (const v of found.validators) await kube.remove('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, v.metadata!.name!);
    for (const s of found.services) await kube.remove('v1', 'Service', ns, s.metadata!.name!);
  });
  ctx.out(`Revision tag ${tag} removed\n`);
  return 0;
}
