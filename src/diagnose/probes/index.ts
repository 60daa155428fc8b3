import { accessLogProbe } from './access-log.js';
import { analyzersProbe } from './analyzers.js';
import { appListenProbe } from './app-listen.js';
import { certsProbe } from './certs.js';
import { clustersProbe } from './clusters.js';
import { configPathProbe } from './config-path.js';
import { injectionProbe } from './injection.js';
import { mtlsProbe } from './mtls.js';
import { podStatusProbe } from './pod-status.js';
import { proxyAdminProbe } from './proxy-admin.js';
import { statsProbe } from './stats.js';
import { syncProbe } from './sync.js';
import type { Probe } from './types.js';

/** Every probe diagnose runs, sorted by name (the explicit registry). */
export const allProbes: readonly Probe[] = [
  accessLogProbe,
  analyzersProbe,
  appListenProbe,
  certsProbe,
  clustersProbe,
  configPathProbe,
  injectionProbe,
  mtlsProbe,
  podStatusProbe,
  proxyAdminProbe,
  statsProbe,
  syncProbe,
];
