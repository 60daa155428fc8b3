import { compact, chartLabels, obj, operatorLabels, type RenderContext, vs } from './common.js';
import type { RenderedObject } from '../types.js';

/**
 * The `base` chart: the Istio CRDs, the istio-reader ServiceAccount (remote secrets use it to
 * read this cluster), and istiod-default-validator when a default revision is set, so objects
 * without an istio.io/rev label are still validated by the revision that owns "default".
 */
function compactTop<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

export function renderBase(ctx: RenderContext): RenderedObject[] {
  const { values, namespace } = ctx.install;
  const out: RenderedObject[] = [];
  for (const c of ctx.crds?.crds ?? []) {
    out.push(
      obj('Base', {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: compact({
          name: c.name,
          // The chart keeps CRDs on `helm uninstall`; istio-ts keeps the annotation for Helm adopters.
          annotations: c.annotations,
          labels: chartLabels('base', c.name.split('.')[0] ?? c.name, {}),
        }),
        // The CRD data is JSON (no undefined inside): drop absent fields at this level only, and
        // share the schemas instead of deep-copying ~1 MB of them on every run.
        spec: compactTop({
          group: c.group,
          names: c.names,
          scope: c.scope,
          preserveUnknownFields: c.preserveUnknownFields,
          conversion: c.conversion,
          versions: c.versions.map((ver) =>
            compactTop({
              additionalPrinterColumns: ver.additionalPrinterColumns,
              deprecated: ver.deprecated,
              deprecationWarning: ver.deprecationWarning,
              name: ver.name,
              schema: { openAPIV3Schema: ver.schema },
              served: ver.served,
              storage: ver.storage,
              subresources: ver.subresources,
            }),
          ),
        }),
      }),
    );
  }
  out.push(
    obj('Base', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'istio-reader-service-account',
        namespace,
        labels: { ...chartLabels('base', 'istio-reader', { app: 'istio-reader' }), ...operatorLabels('Base') },
      },
    }),
  );
  const defaultRevision = vs(values, 'defaultRevision');
  if (defaultRevision !== '' && values.global && vs(values, 'global', 'configValidation') !== 'false') {
    const validationURL = vs(values, 'base', 'validationURL');
    const caBundle = vs(values, 'base', 'validationCABundle');
    out.push(
      obj('Base', {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: {
          name: 'istiod-default-validator',
          labels: {
            ...chartLabels('base', 'istiod', { app: 'istiod', istio: 'istiod', 'istio.io/rev': defaultRevision, 'istio.io/tag': 'default' }),
            ...operatorLabels('Base'),
          },
        },
        webhooks: [
          compact({
            name: 'validation.istio.io',
            clientConfig: validationURL
              ? compact({ url: validationURL, caBundle: caBundle || undefined })
              : compact({
                  service: {
                    name: defaultRevision === 'default' ? 'istiod' : `istiod-${defaultRevision}`,
                    namespace,
                    path: '/validate',
                  },
                  caBundle: caBundle || undefined,
                }),
            rules: [validationRule()],
            // Fail-open: a down istiod must not block every config write in the cluster.
            failurePolicy: 'Ignore',
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
          }),
        ],
      }),
    );
  }
  return out;
}

export function validationRule() {
  return {
    apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
    apiVersions: ['*'],
    operations: ['CREATE', 'UPDATE'],
    resources: ['*'],
  };
}
