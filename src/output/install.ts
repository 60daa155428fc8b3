/**
 * Renderers for install / uninstall / precheck: the plan, progress (ora spinner on a TTY,
 * plain lines otherwise), the blocker report on a readiness timeout, results, and JSON.
 * Strings only; the command decides where they go.
 */
import type { InstallObserver, InstallResult, ComponentOutcome } from '../install/apply/run.js';
import type { Plan, PruneTarget } from '../install/plan.js';
import type { CheckResult } from '../install/precheck.js';
import type { ComponentReadiness } from '../install/readiness.js';
import type { ComponentName } from '../install/types.js';
import type { UninstallPlan } from '../install/uninstall.js';
import { painter, type Painter } from './paint.js';
import { GLYPH, glyphs } from './symbols.js';

/** istioctl's component names in progress lines. */
export const COMPONENT_TITLE: Record<ComponentName, string> = {
  Base: 'Istio core',
  Pilot: 'Istiod',
  Cni: 'CNI',
  Ztunnel: 'Ztunnel',
  IngressGateways: 'Ingress gateways',
  EgressGateways: 'Egress gateways',
};

/** Go's time.Duration String for whole seconds ("5m0s", "42s", "1h0m0s"), as istioctl prints timeouts. */
export function goDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}

const pruneRef = (t: PruneTarget) => `${t.kind}/${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

export interface PlanHeader {
  readonly profile: string;
  readonly revision: string;
  readonly version: string;
  readonly dryRun: boolean;
}

export function renderPlan(plan: Plan, h: PlanHeader, color: boolean): string {
  const p = painter(color);
  const g = glyphs(p);
  const count = (a: string) => plan.objects.filter((o) => o.action === a).length;
  const lines: string[] = [];
  const rev = h.revision || 'default';
  lines.push(
    `${h.dryRun ? 'Dry run' : 'Plan'}: Istio ${h.version}, profile "${h.profile}", revision ${rev}: ` +
      `${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged, ${plan.prune.length} to prune`,
  );
  for (const ns of plan.createNamespaces) lines.push(`  ${p.ok('+')} Namespace/${ns}`);
  const comps = [...new Set(plan.objects.map((o) => o.component))];
  for (const c of comps) {
    const objs = plan.objects.filter((o) => o.component === c);
    const unchanged = objs.filter((o) => o.action === 'unchanged').length;
    lines.push(`  ${COMPONENT_TITLE[c]} (${objs.length} objects${unchanged === objs.length ? ', all unchanged' : ''})`);
    for (const o of objs) {
      const ref = `${o.object.kind}/${o.object.metadata.namespace ? `${o.object.metadata.namespace}/` : ''}${o.object.metadata.name}`;
      if (o.error) lines.push(`    ${g.fail} ${ref}: ${o.error}`);
      else if (o.action === 'create') lines.push(`    ${p.ok('+')} ${ref}`);
      else if (o.action === 'update') {
        const ch = summarizeChanges(o.changes);
        lines.push(`    ${p.warning('~')} ${ref}${ch.length ? p.dim(` (${ch.slice(0, 5).join(', ')}${ch.length > 5 ? ', …' : ''})`) : ''}`);
      }
    }
  }
  if (plan.prune.length) {
    lines.push('  Left over from the previous install of this revision (pruned after a successful install):');
    for (const t of plan.prune) lines.push(`    ${p.error('-')} ${pruneRef(t)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Label and annotation keys collapse into one entry each: a take-over changes many at once. */
export function summarizeChanges(changes: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    const m = /^(metadata\.(?:labels|annotations))\./.exec(c);
    const k = m ? m[1]! : c;
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

export function renderNoChanges(plan: Plan): string {
  return `${GLYPH.ok} No changes: all ${plan.objects.length} objects are up to date and nothing is left to prune.\n`;
}

/** Waiting line: what is not ready yet and the first blocker, e.g. for a spinner. */
export function waitingLine(c: ComponentName, r: ComponentReadiness, elapsedMs: number): string {
  const pending = r.targets.filter((t) => !t.ready).map((t) => `${t.ref} (${t.detail})`);
  const b = r.blockers[0];
  const blocker = b ? `; pod ${b.pod}${b.container ? ` container ${b.container}` : ''}: ${b.reason}` : '';
  return `${COMPONENT_TITLE[c]}: waiting for ${pending.join(', ')}${blocker} [${goDuration(elapsedMs)}]`;
}

/** The root-cause report for a component that did not become ready in time. */
export function renderBlockers(o: ComponentOutcome, timeoutMs: number, p: Painter): string {
  const r = o.readiness;
  const lines = [`${glyphs(p).fail} ${COMPONENT_TITLE[o.component]} not ready after ${goDuration(timeoutMs)}`];
  if (!r) return `${lines[0]}\n`;
  for (const t of r.targets.filter((x) => !x.ready)) {
    lines.push(`    ${t.ref}: ${t.detail}`);
    for (const pr of t.problems) lines.push(`      ${pr}`);
  }
  if (r.blockers.length) {
    lines.push('    Blocked by:');
    for (const b of r.blockers) {
      lines.push(`      pod ${b.namespace}/${b.pod}${b.container ? ` container ${b.container}` : ''}: ${p.bold(b.reason)}${b.message ? ` — ${b.message}` : ''}`);
    }
  } else if (r.targets.some((t) => !t.ready && t.ref.startsWith('Deployment/'))) {
    lines.push('    No pods exist for it: see the events (quota, PodSecurity admission or a webhook may refuse them).');
  }
  if (r.events.length) {
    lines.push('    Recent events:');
    for (const e of r.events) {
      const age = e.ageSeconds !== undefined ? `, ${goDuration(e.ageSeconds * 1000)} ago` : '';
      lines.push(`      ${e.type === 'Warning' ? p.warning(e.type) : e.type} ${e.reason} ${e.object}${e.count > 1 ? ` (x${e.count}${age})` : age ? ` (${age.slice(2)})` : ''}: ${e.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderOutcome(o: ComponentOutcome, timeoutMs: number, color: boolean): string {
  const p = painter(color);
  const g = glyphs(p);
  switch (o.status) {
    case 'ready':
      return `${g.ok} ${COMPONENT_TITLE[o.component]} installed${o.applied ? '' : ' (unchanged)'} [${goDuration(o.elapsedMs)}]\n`;
    case 'timeout':
      return renderBlockers(o, timeoutMs, p);
    case 'failed':
      return `${g.fail} ${COMPONENT_TITLE[o.component]} encountered an error: ${o.error}\n`;
    case 'skipped':
      return `${g.warn} ${COMPONENT_TITLE[o.component]} skipped: ${o.error}\n`;
  }
}

export function renderInstallSummary(r: InstallResult, elapsedMs: number, color: boolean): string {
  const p = painter(color);
  const g = glyphs(p);
  const lines: string[] = [];
  if (r.pruned.length) lines.push(`  Pruned ${r.pruned.length} object(s) left over from the previous install.`);
  for (const e of r.pruneErrors) lines.push(`${g.fail} prune ${pruneRef(e.target)}: ${e.error}`);
  if (r.ok) lines.push(`${g.ok} Installation complete [${goDuration(elapsedMs)}]`);
  else {
    const bad = r.components.filter((c) => c.status !== 'ready').map((c) => COMPONENT_TITLE[c.component]);
    lines.push(`${g.fail} Installation incomplete: ${bad.join(', ') || 'prune failed'}. Re-run the same command after fixing the cause; applied objects are kept and nothing was pruned.`);
  }
  return `${lines.join('\n')}\n`;
}

/** A machine-readable account of plan and result (-o json). */
export function renderInstallJson(plan: Plan, result: InstallResult | undefined, extra: Record<string, unknown>): string {
  const doc = {
    ...extra,
    plan: {
      createNamespaces: plan.createNamespaces,
      objects: plan.objects.map((o) => ({
        component: o.component,
        apiVersion: o.object.apiVersion,
        kind: o.object.kind,
        namespace: o.object.metadata.namespace,
        name: o.object.metadata.name,
        action: o.action,
        ...(o.changes.length ? { changes: o.changes } : {}),
        ...(o.error ? { error: o.error } : {}),
      })),
      prune: plan.prune.map(({ key: _k, ...t }) => t),
    },
    ...(result
      ? {
          result: {
            ok: result.ok,
            components: result.components.map((c) => ({ ...c })),
            pruned: result.pruned.map(({ key: _k, ...t }) => t),
            pruneErrors: result.pruneErrors.map((e) => ({ ...e.target, key: undefined, error: e.error })),
          },
        }
      : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

interface SpinnerLike {
  text: string;
  start(): SpinnerLike;
  stop(): SpinnerLike;
}

/**
 * Progress to stderr: one ora spinner per component on a TTY, otherwise plain lines (a line
 * when a component starts, when the waiting detail changes, at most every 15 s otherwise).
 */
export function progressObserver(
  err: (s: string) => void,
  opts: { readonly color: boolean; readonly timeoutMs: number; readonly spinner?: (text: string) => SpinnerLike; readonly width?: number },
): InstallObserver {
  const p = painter(opts.color);
  const g = glyphs(p);
  // A spinner line must not wrap: redrawing a wrapped line leaves copies behind.
  const fit = (s: string) => (opts.width && s.length > opts.width - 3 ? `${s.slice(0, opts.width - 4)}…` : s);
  let spin: SpinnerLike | undefined;
  let last = '';
  let lastAt = -Infinity;
  return {
    componentStart(c, waitingFor) {
      const shown = waitingFor.length > 3 ? `${waitingFor.slice(0, 2).join(', ')} and ${waitingFor.length - 2} more` : waitingFor.join(', ');
      const text = `${COMPONENT_TITLE[c]}: applying${waitingFor.length ? `, then waiting for ${shown}` : ''}`;
      if (opts.spinner) spin = opts.spinner(fit(text)).start();
      else err(`… ${text}\n`);
      last = '';
      lastAt = -Infinity;
    },
    componentWaiting(c, r, elapsedMs) {
      const line = waitingLine(c, r, elapsedMs);
      if (spin) {
        spin.text = fit(line);
        return;
      }
      const core = line.replace(/ \[[^\]]*\]$/, '');
      if (core !== last || elapsedMs - lastAt >= 15_000) {
        err(`  ${line}\n`);
        last = core;
        lastAt = elapsedMs;
      }
    },
    componentDone(o) {
      spin?.stop();
      spin = undefined;
      err(renderOutcome(o, opts.timeoutMs, opts.color));
    },
    pruned(t, error) {
      err(error ? `${g.fail} prune ${pruneRef(t)}: ${error}\n` : `  Removed ${pruneRef(t)}\n`);
    },
  };
}

export function renderUninstallPlan(u: UninstallPlan, target: string, color: boolean): string {
  const p = painter(color);
  const g = glyphs(p);
  const lines = [`Uninstall ${target}: ${u.delete.length} object(s) to delete${u.kept.length ? `, ${u.kept.length} kept` : ''}`];
  for (const t of u.delete) lines.push(`  ${p.error('-')} ${pruneRef(t)}`);
  const reasons = [...new Set(u.kept.map((k) => k.reason))];
  for (const r of reasons) lines.push(`  kept ${u.kept.filter((k) => k.reason === r).length} object(s): ${r}`);
  const gateways = u.delete.filter((t) => t.kind === 'Deployment' && /Gateways$/.test(t.component ?? ''));
  if (gateways.length) lines.push(`${g.warn} Removing gateway Deployment(s) ${gateways.map((g) => `${g.namespace}/${g.name}`).join(', ')}: traffic through them stops.`);
  if (u.proxies.length) {
    lines.push(
      `${g.warn} There are still ${u.proxies.length} proxies pointing to ${target}: ${u.proxies.slice(0, 5).join(', ')}${u.proxies.length > 5 ? ', …' : ''}`,
      '   They lose their control plane: restart them onto another revision first (kubectl rollout restart).',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderPrecheck(results: readonly CheckResult[], color: boolean): string {
  const p = painter(color);
  const g = glyphs(p);
  const sym = { ok: g.ok, info: g.ok, warning: g.warn, error: g.fail } as const;
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${sym[r.status]} ${r.description}: ${r.message}`);
    for (const d of r.details) lines.push(`    ${d}`);
    if (r.hint && (r.status === 'error' || r.status === 'warning')) lines.push(`    ${p.dim(`hint: ${r.hint}`)}`);
  }
  const failed = results.filter((r) => r.status === 'error').length;
  lines.push(failed ? `${g.fail} ${failed} check(s) failed: fix them before installing.` : `${g.ok} No issues found when checking the cluster. Istio is safe to install or upgrade!`);
  return `${lines.join('\n')}\n`;
}

export function renderPrecheckJson(results: readonly CheckResult[]): string {
  return `${JSON.stringify({ ok: !results.some((r) => r.status === 'error'), checks: results }, null, 2)}\n`;
}
