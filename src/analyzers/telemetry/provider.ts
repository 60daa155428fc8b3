import { defineAnalyzer } from '../../analysis/types.js';
import { asArray, asRecord, get } from '../../util/objects.js';

export default defineAnalyzer({
  name: 'telemetry.ProviderAnalyzer',
  description: 'Validates that providers in telemetry resource is valid',
  // MeshConfig is always known (ctx.mesh: --meshConfigFile or the defaults).
  inputs: ['Telemetry'],
  messages: ['InvalidTelemetryProvider'],
  analyze(ctx) {
    // An access-logging entry without providers falls back to meshConfig.defaultProviders; when
    // the mesh names none, istiod drops the entry.
    if (asArray(get(ctx.mesh, 'defaultProviders', 'accessLogging')).length > 0) return;
    for (const t of ctx.snapshot.list('Telemetry')) {
      asArray(get(t.object, 'spec', 'accessLogging')).forEach((entry, i) => {
        const e = asRecord(entry);
        // `disabled: true` without providers is how access logs are turned off: not a mistake.
        if (e.disabled === true) return;
        if (asArray(e.providers).length > 0) return;
        ctx.report({ resource: t, message: 'InvalidTelemetryProvider', args: [t.name, t.namespace], path: ['spec', 'accessLogging', i] });
      });
    }
  },
});
