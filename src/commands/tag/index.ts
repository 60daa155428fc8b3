import { defineCommand, defineGroup } from '../../cli/command.js';
import { flagTable, type FlagValues } from '../../cli/flags.js';

// Flags and help only; the implementation is imported when a subcommand runs (start-up time).
const setFlags = flagTable({
  revision: { kind: 'string', flags: '-r, --revision <rev>', description: 'control plane revision the tag points to (required)', required: true },
  overwrite: { kind: 'switch', flags: '--overwrite', description: 'replace an existing tag of this name (istioctl refuses otherwise)', default: false },
  webhookName: { kind: 'string', flags: '--webhook-name <name>', description: "name of the tag's MutatingWebhookConfiguration (default istio-revision-tag-<tag>)" },
  autoInjectNamespaces: { kind: 'switch', flags: '--auto-inject-namespaces', description: 'tag "default" only: also inject namespaces without any injection label', default: false },
  skipConfirmation: { kind: 'switch', flags: '-y, --skip-confirmation', description: 'set the tag even when it would conflict with existing injector webhooks (IST0139)', default: false },
  manifests: { kind: 'string', flags: '-d, --manifests <path>', description: "accepted for istioctl compatibility; the tag is built from the revision's own webhook", hidden: true },
});
export type TagSetFlags = FlagValues<typeof setFlags>;
const listFlags = flagTable({});
export type TagListFlags = FlagValues<typeof listFlags>;
const removeFlags = flagTable({
  skipConfirmation: { kind: 'switch', flags: '-y, --skip-confirmation', description: 'do not ask when namespaces still use the tag', default: false },
});
export type TagRemoveFlags = FlagValues<typeof removeFlags>;

const TAG = { name: '<tag>', description: 'the tag name' };
const impl = async () => (await import('./action.js')).implementations;

export const tagCommand = defineGroup({
  name: 'tag',
  description: 'Revision tags: mutable aliases (prod, canary…) for control plane revisions, for istio.io/rev namespace labels',
  help: `
A tag is the MutatingWebhookConfiguration istio-revision-tag-<tag> (labels istio.io/rev=<revision>,
istio.io/tag=<tag>) built from the revision's own injector webhook, plus the Service
istiod-revision-tag-<tag>. Namespaces labelled istio.io/rev=<tag> are injected by that revision;
moving the tag (tag set <tag> -r <new> --overwrite) moves them without relabelling. The tag
"default" also takes istio-injection=enabled and the cluster-wide validator
istiod-default-validator, and switches the untagged default webhook off. Works with revisions
installed by istio-ts, istioctl or the helm charts (istiod-<rev> with revision: <rev>).

Canary upgrade walk:
  istio-ts install -r 1-29-0 --set profile=minimal -y     # new control plane beside the old one
  istio-ts tag set prod -r 1-28-0                          # once: namespaces use the tag
  kubectl label namespace shop istio.io/rev=prod --overwrite
  istio-ts tag set prod -r 1-29-0 --overwrite              # move the tag to the new revision
  kubectl rollout restart deployment -n shop               # pods re-injected by 1-29-0
  istio-ts proxy-status                                     # REVISION column shows who serves whom
  istio-ts uninstall -r 1-28-0                              # warns while proxies still use it`,
  subcommands: [
    defineCommand({ name: 'set', description: 'Create or move a revision tag in the cluster', args: [TAG], flags: setFlags, formats: ['text'], load: async () => (await impl()).set }),
    defineCommand({
      name: 'generate',
      description: 'Print the objects of a revision tag (for kubectl apply or GitOps); the cluster is only read',
      args: [TAG],
      flags: setFlags,
      formats: ['text'],
      load: async () => (await impl()).generate,
    }),
    defineCommand({
      name: 'list',
      aliases: ['show'],
      description: 'List revision tags, their revisions and the namespaces using them',
      flags: listFlags,
      formats: ['table', 'json', 'yaml'],
      help: '\nOutput (-o): table (default), json, yaml. Untagged revisions are listed with an empty TAG, as istioctl does.',
      load: async () => (await impl()).list,
    }),
    defineCommand({
      name: 'remove',
      aliases: ['delete'],
      description: "Remove a revision tag's webhooks and Service",
      args: [TAG],
      flags: removeFlags,
      formats: ['text'],
      help: '\nAsks first when namespaces are still labelled istio.io/rev=<tag> (new pods there would not be injected).\nExit codes: 0 removed (or cancelled), 1 no such tag or a delete failed.',
      load: async () => (await impl()).remove,
    }),
  ],
});
