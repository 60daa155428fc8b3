/** Keeps the probe registry and the evidence catalog honest (like the analyzer meta-tests). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVIDENCE } from '../../src/diagnose/evidence.js';
import { allProbes } from '../../src/diagnose/probes/index.js';
import { defineProbe } from '../../src/diagnose/probes/types.js';
import { readCapture } from '../../src/diagnose/capture.js';
import { diagnose } from '../../src/diagnose/run.js';

const DIR = path.resolve('src/diagnose/probes');

describe('probe registry', () => {
  it('is sorted by name and has every probe file', () => {
    const names = allProbes.map((p) => p.name);
    expect(names).toEqual([...names].sort());
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'types.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(names).toEqual(files.sort());
  });

  it.each(allProbes.map((p) => [p.name, p] as const))('%s is described, reads something and declares catalog evidence', (_n, p) => {
    expect(p.description.length).toBeGreaterThan(20);
    expect(p.reads.length).toBeGreaterThan(0);
    for (const id of p.evidence) expect(EVIDENCE).toHaveProperty([id]);
    expect(new Set(p.evidence).size).toBe(p.evidence.length);
  });

  it('every catalog entry is reported by some probe (or by the runner)', () => {
    const used = new Set<string>(['probe.failed', 'capture.unreadable', ...allProbes.flatMap((p) => p.evidence)]);
    expect(Object.keys(EVIDENCE).filter((id) => !used.has(id))).toEqual([]);
  });

  it('every fault with weight ≥ 2 tells what to run next', () => {
    const missing = Object.entries(EVIDENCE).filter(([, t]) => t.status === 'fault' && t.weight >= 2 && !('next' in t)).map(([id]) => id);
    expect(missing).toEqual([]);
  });

  it('a probe that throws or reports an undeclared id becomes a "probe failed" line; the run goes on', async () => {
    const capture = await readCapture(path.resolve('fixtures/diagnose/healthy/capture'));
    const crashing = defineProbe({ name: 'crashing', description: 'throws on purpose for this test', reads: ['nothing'], evidence: [], run() { throw new Error('boom'); } });
    const sloppy = defineProbe({ name: 'sloppy', description: 'reports an id it did not declare', reads: ['nothing'], evidence: [], run(ctx) { ctx.report('log.ok', 'network', {}, 'x'); } });
    const { evidence, diagnosis } = diagnose(capture, {}, [crashing, sloppy, ...allProbes]);
    expect(evidence.filter((e) => e.id === 'probe.failed').map((e) => e.summary)).toEqual(['probe crashing failed: boom', 'probe sloppy failed: reported undeclared evidence log.ok']);
    expect(diagnosis.verdict.segment).toBe('none');
  });
});
