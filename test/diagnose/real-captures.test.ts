/**
 * Captures recorded from real Envoys (fixtures/diagnose/real/<scenario>/, written by
 * fixtures/diagnose/real/record.sh from the e2e suite test/e2e/dataplane/scenarios.test.ts): each
 * gives the verdict segment that the live run gave and that is true for the fault, offline, and its
 * evidence names the capture files it was read from. Unlike the hand-written scenarios beside them
 * (fixtures/diagnose/<scenario>/), these hold what real Envoy 1.40.0, pilot-agent and istiod wrote.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/diagnose/capture.js';
import { diagnose } from '../../src/diagnose/run.js';

const ROOT = path.resolve('fixtures/diagnose/real');
const recordings = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => existsSync(path.join(ROOT, d, 'expected.json'))).sort() : [];

interface Expected {
  scenario: string;
  options?: { path?: string };
  verdict: { segment: string };
}

describe('real Envoy recordings', () => {
  it('has a recording per data plane scenario (at least 14)', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(14);
  });

  it.each(recordings)('%s', async (name) => {
    const dir = path.join(ROOT, name);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    expect(expected.scenario).toBe(name);
    const capture = await readCapture(path.join(dir, 'capture'));
    expect(capture.problems).toEqual([]);
    const { diagnosis, evidence } = diagnose(capture, expected.options?.path ? { httpPath: expected.options.path } : {});
    const faults = evidence.filter((e) => e.status !== 'ok').map((e) => `${e.segment} ${e.id}: ${e.summary}`);
    expect(diagnosis.verdict.segment, `${diagnosis.verdict.summary}\n${faults.join('\n')}`).toBe(expected.verdict.segment);
    expect(evidence.filter((e) => e.id === 'probe.failed')).toEqual([]);
    for (const e of evidence) expect(e.source, `${e.id}: ${e.summary}`).toMatch(/^(cluster\/|proxies\/|istiod\/|capture\.json)/);
    // Real access-log lines decided it: some evidence cites lines of a captured istio-proxy.log.
    expect(evidence.some((e) => /^proxies\/[^:]+\/istio-proxy\.log: lines? \d/.test(e.source))).toBe(true);
  });
});
