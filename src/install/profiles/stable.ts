import type { IstioOperator } from '../types.js';

/** As default, plus the stable-channel ValidatingAdmissionPolicy that refuses alpha fields. */
export const stableProfile: IstioOperator = { spec: { values: { profile: 'stable' } } };
