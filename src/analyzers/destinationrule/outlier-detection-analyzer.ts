import { defineAnalyzer } from '../../analysis/types.js';
import type { FieldPath } from '../../resources/types.js';
import { asArray, asObjects, asRecord } from '../../util/objects.js';

/** One or two errors in a row are ordinary noise (a deploy, one slow GC); ejecting on them is not. */
const FEW_ERRORS = 2;
/** Envoy's default max_ejection_percent, which Istio keeps. */
const DEFAULT_MAX_EJECTION_PERCENT = 10;

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Every trafficPolicy of a DestinationRule with the path of its outlierDetection. */
function outlierBlocks(spec: Record<string, unknown>): { od: Record<string, unknown>; path: FieldPath }[] {
  const out: { od: Record<string, unknown>; path: FieldPath }[] = [];
  const fromPolicy = (policy: unknown, base: FieldPath) => {
    const p = asRecord(policy);
    if (p.outlierDetection) out.push({ od: asRecord(p.outlierDetection), path: [...base, 'outlierDetection'] });
    asObjects(p.portLevelSettings).forEach((pl, i) => {
      if (pl.outlierDetection) out.push({ od: asRecord(pl.outlierDetection), path: [...base, 'portLevelSettings', i, 'outlierDetection'] });
    });
  };
  fromPolicy(spec.trafficPolicy, ['spec', 'trafficPolicy']);
  asArray(spec.subsets).forEach((s, i) => fromPolicy(asRecord(s).trafficPolicy, ['spec', 'subsets', i, 'trafficPolicy']));
  return out;
}

export const outlierDetectionAnalyzer = defineAnalyzer({
  name: 'destinationrule.OutlierDetectionAnalyzer',
  description: 'Checks that outlier detection cannot eject every host after one or two errors',
  inputs: ['DestinationRule'],
  messages: ['OutlierDetectionEjectsAllHosts'],
  analyze(ctx) {
    for (const dr of ctx.snapshot.list('DestinationRule')) {
      for (const { od, path } of outlierBlocks(asRecord(dr.object.spec))) {
        const percent = num(od.maxEjectionPercent) ?? DEFAULT_MAX_EJECTION_PERCENT;
        // With minHealthPercent > 0 Envoy's panic mode sends traffic to ejected hosts again
        // instead of answering 503 UH; Istio sets the panic threshold to 0 otherwise.
        if (percent < 100 || (num(od.minHealthPercent) ?? 0) > 0) continue;
        // consecutiveErrors is the deprecated name of consecutive5xxErrors.
        const e5xx = num(od.consecutive5xxErrors) ?? num(od.consecutiveErrors) ?? 5;
        const eGw = num(od.consecutiveGatewayErrors) ?? 0;
        const hit = e5xx >= 1 && e5xx <= FEW_ERRORS ? { n: e5xx, kind: '5xx errors' } : eGw >= 1 && eGw <= FEW_ERRORS ? { n: eGw, kind: 'gateway errors' } : undefined;
        if (!hit) continue;
        ctx.report({ resource: dr, message: 'OutlierDetectionEjectsAllHosts', args: [hit.n, hit.kind, percent], path });
      }
    }
  },
});
