import path from 'node:path';
import { describe } from 'vitest';
import lightstep from '../../../src/analyzers/telemetry/lightstep.js';
import { analyzerTable, FIXTURES } from '../../helpers/analyzer-table.js';

const providers = [
  { name: 'lightstep', lightstep: { service: 'lightstep-satellite.tracing.svc.cluster.local', port: 8184, accessToken: 'REDACTED' } },
  { name: 'otel-collector', opentelemetry: { service: 'otel-collector.tracing.svc.cluster.local', port: 4317 } },
];

describe('telemetry.LightstepAnalyzer', () => {
  analyzerTable(lightstep, path.join(FIXTURES, 'telemetry/lightstep'), [
    {
      name: 'tracing through a Lightstep extension provider',
      files: ['tracing.yaml'],
      mesh: { extensionProviders: providers },
      expected: [{ code: 'IST0002', origin: 'Telemetry istio-system/mesh-default', line: 9 }],
    },
    {
      name: 'a provider named "lightstep" that is not a Lightstep provider',
      files: ['tracing.yaml'],
      mesh: { extensionProviders: [{ name: 'lightstep', opentelemetry: { service: 'otel.tracing.svc.cluster.local', port: 4317 } }] },
      expected: [],
    },
  ]);
});
