/**
 * Every scenario capture under fixtures/diagnose/<scenario>/ gives the verdict and segment
 * statuses declared in its expected.json, every evidence line names the capture file it was read
 * from, and the rendered table and JSON match the goldens beside the capture (UPDATE_GOLDEN=1).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/diagnose/capture.js';
import { diagnose } from '../../src/diagnose/run.js';
import { renderDiagnoseJson, renderDiagnoseTable } from '../../src/output/diagnose.js';
import { painter } from '../../src/output/paint.js';
import { expectGolden } from '../helpers/golden.js';

const ROOT = path.resolve('fixtures/diagnose');
const GOLDEN_WIDTH = 100;
const scenarios = readdirSync(ROOT).filter((d) => existsSync(path.join(ROOT, d, 'expected.json'))).sort();

interface Expected {
  options?: { path?: string; since?: string };
  verdict: { segment: string; confidence: string };
  segments: Record<string, string>;
}

describe('diagnose scenarios', () => {
  it('has the 17 scenarios of issue 4', () => {
    expect(scenarios).toHaveLength(17);
  });

  it('each is marked hand-written, with its real recording or why real Envoy cannot produce it here', () => {
    for (const name of scenarios) {
      const e = JSON.parse(readFileSync(path.join(ROOT, name, 'expected.json'), 'utf8')) as { recording?: string; realCounterpart?: string; whyHandWritten?: string };
      expect(e.recording, name).toBe('hand-written');
      expect(Boolean(e.realCounterpart) !== Boolean(e.whyHandWritten), `${name}: exactly one of realCounterpart, whyHandWritten`).toBe(true);
      if (e.realCounterpart) expect(e.realCounterpart).toMatch(/^fixtures\/diagnose\/real\/[a-z0-9-]+$/);
    }
  });

  it.each(scenarios)('%s', async (name) => {
    const dir = path.join(ROOT, name);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    const capture = await readCapture(path.join(dir, 'capture'));
    expect(capture.problems).toEqual([]);
    const { diagnosis, evidence } = diagnose(capture, expected.options?.path ? { httpPath: expected.options.path } : {});
    // Goldens at a fixed terminal width: wrapping at words is part of what they pin.
    expectGolden(path.join(dir, 'diagnose.golden.txt'), renderDiagnoseTable(diagnosis, painter(false), { width: GOLDEN_WIDTH }));
    expectGolden(path.join(dir, 'diagnose.golden.json'), renderDiagnoseJson(diagnosis));
    const statuses = Object.fromEntries(diagnosis.segments.map((s) => [s.name, s.status]));
    expect({ verdict: { segment: diagnosis.verdict.segment, confidence: diagnosis.verdict.confidence }, segments: statuses }).toEqual({ verdict: expected.verdict, segments: expected.segments });
    expect(evidence.filter((e) => e.id === 'probe.failed')).toEqual([]);
    for (const e of evidence) {
      expect(e.source, `${e.id}: ${e.summary}`).toMatch(/^(cluster\/|proxies\/|istiod\/|capture\.json)/);
    }
    // "ok" needs evidence: every ok segment has at least one ok line.
    for (const s of diagnosis.segments) if (s.status === 'ok') expect(s.evidence.some((e) => e.status === 'ok')).toBe(true);
  });
});
