import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, get } from '../../util/objects.js';

export default defineAnalyzer({
  name: 'telemetry.LightstepAnalyzer',
  description: 'Validates that lightstep provider is still used',
  inputs: ['Telemetry'],
  messages: ['Deprecated'],
  analyze(ctx) {
    const lightstep = new Set<string>();
    for (const p of asArray(get(ctx.mesh, 'extensionProviders'))) {
      const provider = asRecord(p);
      if (provider.lightstep !== undefined && typeof provider.name === 'string') lightstep.add(provider.name);
    }
    if (lightstep.size === 0) return;
    for (const t of ctx.snapshot.list('Telemetry')) {
      asArray(get(t.object, 'spec', 'tracing')).forEach((tracing, i) => {
        asArray(asRecord(tracing).providers).forEach((p, j) => {
          const name = asRecord(p).name;
          if (typeof name !== 'string' || !lightstep.has(name)) return;
          ctx.report({
            resource: t,
            message: 'Deprecated',
            args: [`The Lightstep provider "${name}" is deprecated; use an OpenTelemetry provider instead.`],
            path: ['spec', 'tracing', i, 'providers', j, 'name'],
          });
        });
      });
    }
  },
});
