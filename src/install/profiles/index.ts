import type { IstioOperator } from '../types.js';
import { PROFILE_NAMES } from '../profile-names.js';
import { ambientProfile } from './ambient.js';
import { defaultProfile } from './default.js';
import { demoProfile } from './demo.js';
import { emptyProfile } from './empty.js';
import { minimalProfile } from './minimal.js';
import { openshiftAmbientProfile, openshiftProfile } from './openshift.js';
import { previewProfile } from './preview.js';
import { remoteProfile } from './remote.js';
import { stableProfile } from './stable.js';

export { defaultProfile };

/** Built-in profiles (`spec.profile` / `--set profile=`), sorted by name. Each is merged on top of `default`. */
export const PROFILES: Readonly<Record<string, IstioOperator>> = {
  ambient: ambientProfile,
  default: defaultProfile,
  demo: demoProfile,
  empty: emptyProfile,
  minimal: minimalProfile,
  openshift: openshiftProfile,
  'openshift-ambient': openshiftAmbientProfile,
  preview: previewProfile,
  remote: remoteProfile,
  stable: stableProfile,
};

export { PROFILE_NAMES } from '../profile-names.js';

// The static name list must name exactly the profiles defined here.
if (Object.keys(PROFILES).sort().join() !== [...PROFILE_NAMES].sort().join()) {
  throw new Error(`profile-names.ts is out of sync with profiles/index.ts: ${Object.keys(PROFILES).join(', ')}`);
}
