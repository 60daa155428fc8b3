/** check-inject output: istioctl's table (WEBHOOK REVISION INJECTED REASON) or JSON. */
import type { CheckResult } from '../../inject/policy.js';
import { painter } from '../../output/paint.js';
import { renderTable } from '../../output/table.js';
import type { TargetInput } from './gather.js';
import { glyphs } from '../../output/symbols.js';

export interface Report {
  target: TargetInput;
  result: CheckResult;
}

function targetName(t: TargetInput): string {
  return t.name ? `${t.kind} ${t.namespace}/${t.name}` : `a pod with labels {${Object.entries(t.subject.labels).map(([k, v]) => `${k}=${v}`).join(',')}} in namespace ${t.namespace}`;
}

function revisionCell(v: { revision: string; tag?: string }): string {
  return v.tag ? `${v.revision} (tag ${v.tag})` : v.revision;
}

function one(r: Report, color: boolean): string {
  const p = painter(color);
  let out = '';
  if (r.result.problems.includes('no-hooks')) return 'ERROR: no Istio injection hooks present.\n';
  const rows = r.result.verdicts.map((v) => [v.webhook, revisionCell(v), v.injected ? glyphs(p).ok : glyphs(p).fail, v.reason]);
  out += renderTable(['WEBHOOK', 'REVISION', 'INJECTED', 'REASON'], rows, { padding: 2 }); // istioctl's column gap
  if (r.result.problems.includes('multiple')) out += `ERROR: multiple webhooks will inject, which can lead to errors (${r.result.injectedBy.join(', ')})\n`;
  for (const h of r.result.hints) out += `Hint: ${h}\n`;
  const cur = r.target.current;
  if (cur) out += cur.injected ? `${targetName(r.target)} has a sidecar now${cur.revision ? ` (revision ${cur.revision})` : ''}.\n` : `${targetName(r.target)} has no sidecar now; the verdicts above apply when it is re-created.\n`;
  return out;
}

export function renderTableReport(reports: readonly Report[], color: boolean): string {
  if (reports.length === 1) return one(reports[0]!, color);
  return reports.map((r) => `${targetName(r.target)}:\n${one(r, color)}`).join('\n');
}

export function renderJsonReport(reports: readonly Report[]): string {
  const out = reports.map((r) => ({
    target: { kind: r.target.kind, ...(r.target.name ? { name: r.target.name } : {}), namespace: r.target.namespace, labels: r.target.subject.labels },
    ...(r.target.current ? { current: r.target.current } : {}),
    webhooks: r.result.verdicts.map((v) => ({
      webhook: v.webhook,
      revision: v.revision,
      ...(v.tag ? { tag: v.tag } : {}),
      injected: v.injected,
      rule: v.rule,
      reason: v.reason,
      ...(v.hook ? { hook: v.hook } : {}),
      ...(v.notes.length ? { notes: v.notes } : {}),
    })),
    injectedBy: r.result.injectedBy,
    problems: r.result.problems,
    hints: r.result.hints,
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}
