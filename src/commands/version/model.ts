import type { IstiodBuildInfo } from '../../envoy/istiod.js';
import type { ProxySync, VersionCount } from '../../envoy/syncz.js';

export interface ControlPlanePod {
  readonly pod: string;
  readonly revision: string;
  readonly info: IstiodBuildInfo;
}

/** Everything `version` found; renderers turn it into text or JSON. */
export interface VersionReport {
  /** istio-ts's own version, and the Istio release it targets (charts, images, injection templates). */
  readonly client: { readonly version: string; readonly istioVersion: string };
  /** False with --remote=false: nothing below was asked for. */
  readonly remote: boolean;
  readonly controlPlane: readonly ControlPlanePod[];
  /** Whether any istiod answered /debug/syncz (else the data plane is unknown, not empty). */
  readonly dataPlaneRead: boolean;
  readonly proxies: readonly ProxySync[];
  readonly dataPlaneVersions: readonly VersionCount[];
  readonly errors: readonly { readonly istiod: string; readonly message: string }[];
}
