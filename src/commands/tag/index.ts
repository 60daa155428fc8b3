import { Option, type Command } from 'commander';
import type { Bind, CommandModule } from '../../cli/program.js';

// Flags and help only; the implementation is imported when a subcommand runs (start-up time).
const lazy = (fn: 'runSet' | 'runGenerate' | 'runList' | 'runRemove') => async (ctx: Parameters<Parameters<Bind>[0]>[0], cmd: Command) => (await import('./action.js'))[fn](ctx, cmd);

function tagFlags(c: Command): Command {
  return c
    .requiredOption('-r, --revision <rev>', 'control plane revision the tag points to (required)')
    .option('--overwrite', 'replace an existing tag of this name (istioctl refuses otherwise)', false)
    .option('--webhook-name <name>', "name of the tag's MutatingWebhookConfiguration (default istio-revision-tag-<tag>)")
    .option('--auto-inject-namespaces', 'tag "default" only: also inject namespaces without any injection label', false)
    .option('-y, --skip-confirmation', 'set the tag even when it would conflict with existing injector webhooks (IST0139)', false)
    .addOption(new Option('-d, --manifests <path>', 'accepted for istioctl compatibility; the tag is built from the revision\'s own webhook').hideHelp());
}

export const tagCommand: CommandModule = {
  register(program: Command, bind: Bind) {
    const tag = program
      .command('tag')
      .description('Revision tags: mutable aliases (prod, canary…) for control plane revisions, for istio.io/rev namespace labels')
      .addHelpText(
        'after',
        `
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
      );
    tagFlags(tag.command('set').argument('<tag>', 'the tag name').description('Create or move a revision tag in the cluster')).action(bind(lazy('runSet')));
    tagFlags(tag.command('generate').argument('<tag>', 'the tag name').description('Print the objects of a revision tag (for kubectl apply or GitOps); the cluster is only read')).action(bind(lazy('runGenerate')));
    tag
      .command('list')
      .alias('show')
      .description('List revision tags, their revisions and the namespaces using them')
      .addHelpText('after', '\nOutput (-o): table (default), json, yaml. Untagged revisions are listed with an empty TAG, as istioctl does.')
      .action(bind(lazy('runList')));
    tag
      .command('remove')
      .alias('delete')
      .argument('<tag>', 'the tag name')
      .option('-y, --skip-confirmation', 'do not ask when namespaces still use the tag', false)
      .description("Remove a revision tag's webhooks and Service")
      .addHelpText('after', '\nAsks first when namespaces are still labelled istio.io/rev=<tag> (new pods there would not be injected).\nExit codes: 0 removed (or cancelled), 1 no such tag or a delete failed.')
      .action(bind(lazy('runRemove')));
  },
};
