import { defineAnalyzer, type Analyzer } from '../../analysis/types.js';
import { meshConfigChecks, meshNetworksChecks } from '../../schema/semantic.js';
import { get, isPlainObject } from '../../util/objects.js';
import { validateIstioObject } from '../../schema/validate.js';
import { meshAllocatesAddresses } from '../util/mesh.js';

/**
 * upstream schema.ValidationAnalyzer: one instance per Istio kind, named
 * `schema.ValidationAnalyzer.<Kind>`. Besides upstream's ValidateConfig checks it validates the
 * object against the CRD's structural schema (what `kubectl apply` would reject, including
 * unknown fields the API server would silently prune) and reports unserved apiVersions.
 */
export function validationAnalyzer(kind: string): Analyzer {
  return defineAnalyzer({
    name: `schema.ValidationAnalyzer.${kind}`,
    description: `Runs schema validation as an analyzer on '${kind}' resources (CRD schema, CEL rules and Istio's semantic checks)`,
    inputs: [kind],
    messages: ['SchemaValidationError', 'SchemaWarning', 'VirtualServiceUnreachableRule', 'VirtualServiceIneffectiveMatch', 'UnsupportedApiVersion'],
    analyze(ctx) {
      const opts = { ipAutoallocate: meshAllocatesAddresses(ctx.mesh) };
      for (const r of ctx.snapshot.list(kind)) {
        for (const f of validateIstioObject(r.object, opts)) {
          ctx.report({ resource: r, ...f });
        }
      }
    },
  });
}

/**
 * upstream validates the MeshConfig resource with ValidateMeshConfig. istio-ts has no MeshConfig
 * object with a file position (it is merged from defaults and --meshConfigFile), so findings have
 * no origin; the message names the field.
 */
export const meshConfigValidationAnalyzer = defineAnalyzer({
  name: 'schema.ValidationAnalyzer.MeshConfig',
  description: 'Runs schema validation on the mesh config (durations, ports, enums, discovery address)',
  inputs: ['MeshConfig'],
  messages: ['SchemaValidationError'],
  analyze(ctx) {
    for (const p of meshConfigChecks(ctx.mesh)) ctx.report({ message: 'SchemaValidationError', args: [`mesh config ${p.text}`] });
  },
});

/**
 * upstream schema.ValidationAnalyzer.MeshNetworks (ValidateMeshNetworks) on a MeshNetworks object
 * in the input (`kind: MeshNetworks`, `networks` at the top level or under `spec`).
 */
export const meshNetworksValidationAnalyzer = defineAnalyzer({
  name: 'schema.ValidationAnalyzer.MeshNetworks',
  description: "Runs schema validation as an analyzer on 'MeshNetworks' resources (endpoint CIDRs and registries, gateway addresses and ports)",
  inputs: ['MeshNetworks'],
  messages: ['SchemaValidationError'],
  analyze(ctx) {
    for (const mn of ctx.snapshot.list('MeshNetworks')) {
      const base = isPlainObject(get(mn.object, 'spec', 'networks')) ? ['spec', 'networks'] : ['networks'];
      const networks = get(mn.object, ...base);
      if (!isPlainObject(networks)) continue;
      for (const p of meshNetworksChecks(networks, base)) ctx.report({ resource: mn, message: 'SchemaValidationError', args: [p.text], path: p.path });
    }
  },
});
