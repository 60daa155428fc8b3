// What every analyzer-proof suite (analyzer-proofs*.test.ts) shares: the live finding list of one
// analyzer, the no-NACK check, and the access-log Telemetry the proofs read Envoy's lines from.
import { afterAll, beforeAll, expect } from 'vitest';
import { istioTs } from '../harness.js';
import { disableDataplaneTelemetry, enableDataplaneTelemetry, nacks, type Workload } from './mesh.js';

/** `istio-ts analyze -n NS --analyzer A` on the live cluster, as "CODE Kind ns/name" lines. */
export async function findings(ns: string, analyzer: string): Promise<string[]> {
  const r = await istioTs(['analyze', '-n', ns, '-o', 'json', '--analyzer', analyzer]);
  return (JSON.parse(r.stdout) as { code: string; origin: string }[]).map((m) => `${m.code} ${m.origin}`);
}

/** Fails when istiod recorded a NACK from any of these proxies. */
export async function expectNoNacks(ws: Workload[]): Promise<void> {
  expect(await nacks(ws.map((w) => w.ref)), 'a real Envoy rejected a push from istiod').toEqual([]);
}

/** Registers the suite's hooks: root access-log Telemetry on for the suite, off after it. */
export function useDataplaneTelemetry(): void {
  beforeAll(async () => {
    await enableDataplaneTelemetry();
  });
  afterAll(async () => {
    await disableDataplaneTelemetry();
  });
}
