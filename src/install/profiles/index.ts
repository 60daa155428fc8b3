import type { IstioOperator } from '../types.js';
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

export const PROFILE_NAMES: readonly string[] = Object.keys(PROFILES);
