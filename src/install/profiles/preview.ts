import type { IstioOperator } from '../types.js';

/** As default, plus experimental features (DNS capture in proxies). */
export const previewProfile: IstioOperator = { spec: { values: { profile: 'preview' } } };
