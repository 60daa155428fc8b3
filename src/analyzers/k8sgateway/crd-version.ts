import { defineAnalyzer } from '../../analysis/types.js';

/** Annotation the Gateway API release manifests stamp on every CRD. */
const BUNDLE_VERSION_ANNOTATION = 'gateway.networking.k8s.io/bundle-version';

/**
 * upstream pkg/config/schema/gatewayapi MinimumCRDVersions: istiod's CRD watcher ignores a Gateway
 * API CRD older than this, so resources of that kind are silently never processed.
 */
const MINIMUM_VERSIONS: Readonly<Record<string, Version>> = {
  'grpcroutes.gateway.networking.k8s.io': { major: 1, minor: 1, patch: 0 },
  'backendtlspolicies.gateway.networking.k8s.io': { major: 1, minor: 4, patch: 0 },
  'tlsroutes.gateway.networking.k8s.io': { major: 1, minor: 5, patch: 0 },
  'tcproutes.gateway.networking.k8s.io': { major: 1, minor: 6, patch: 0 },
};

interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
  metadata?: string;
}

/** A lenient semver parse ("v1.4.1", "1.5", "1.5.0-rc.1"), like Masterminds/semver's NewVersion. */
export function parseVersion(s: string): Version | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(s.trim());
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2] ?? 0),
    patch: Number(m[3] ?? 0),
    ...(m[4] ? { prerelease: m[4] } : {}),
    ...(m[5] ? { metadata: m[5] } : {}),
  };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}${v.metadata ? `+${v.metadata}` : ''}`;
}

/** Compares release numbers only: a pre-release of the minimum version is accepted. */
function below(v: Version, min: Version): boolean {
  return (v.major - min.major || v.minor - min.minor || v.patch - min.patch) < 0;
}

export default defineAnalyzer({
  name: 'k8sgateway.CRDVersionAnalyzer',
  description: 'Checks Gateway API CRDs are at the minimum version required by this Istio version',
  inputs: ['CustomResourceDefinition'],
  messages: ['GatewayAPICRDVersionBelowMinimum'],
  analyze(ctx) {
    for (const crd of ctx.snapshot.list('CustomResourceDefinition')) {
      const minimum = MINIMUM_VERSIONS[crd.name];
      const raw = crd.annotations[BUNDLE_VERSION_ANNOTATION];
      // No annotation or an unparsable one: istiod logs it; there is nothing to compare.
      if (!minimum || raw === undefined) continue;
      const installed = parseVersion(raw);
      if (!installed || !below(installed, minimum)) continue;
      ctx.report({
        resource: crd,
        message: 'GatewayAPICRDVersionBelowMinimum',
        args: [crd.name, formatVersion(installed), formatVersion(minimum)],
        path: ['metadata', 'annotations', BUNDLE_VERSION_ANNOTATION],
      });
    }
  },
});
