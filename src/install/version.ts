/**
 * The Istio release whose images `manifest generate` references by default. Upstream release
 * builds rewrite the profile's hub/tag (operator/scripts/update_version.sh); we do the same with
 * constants so the output never points at the unpublished `registry.istio.io/testing:latest`.
 * Override with `--set hub=… --set tag=…` or spec.hub/spec.tag.
 */
export const ISTIO_RELEASE = '1.28.0';
export const DEFAULT_HUB = 'docker.io/istio';
/** Chart version stamped into helm.sh/chart and app.kubernetes.io/version labels. */
export const CHART_VERSION = ISTIO_RELEASE;
