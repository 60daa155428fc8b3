import type { RegistryEntry } from '../cli/command.js';
import { analyzeCommand } from './analyze/index.js';
import { captureCommand } from './capture/index.js';
import { checkInjectCommand } from './check-inject/index.js';
import { completionCommand } from './completion/index.js';
import { diagnoseCommand } from './diagnose/index.js';
import { healthCommand } from './health/index.js';
import { installCommand } from './install/index.js';
import { kubeInjectCommand } from './kube-inject/index.js';
import { manifestCommand } from './manifest/index.js';
import { precheckCommand } from './precheck/index.js';
import { proxyConfigCommand } from './proxy-config/index.js';
import { proxyStatsCommand } from './proxy-stats/index.js';
import { proxyStatusCommand } from './proxy-status/index.js';
import { tagCommand } from './tag/index.js';
import { uninstallCommand } from './uninstall/index.js';
import { versionCommand } from './version/index.js';

/**
 * Every command, in the order `--help` lists them: lint, install, inject, inspect, troubleshoot.
 * Each module registers flags only; its implementation is imported when it runs.
 */
export const commands: readonly RegistryEntry[] = [
  analyzeCommand,
  precheckCommand,
  installCommand,
  uninstallCommand,
  manifestCommand,
  kubeInjectCommand,
  checkInjectCommand,
  tagCommand,
  proxyConfigCommand,
  proxyStatsCommand,
  proxyStatusCommand,
  versionCommand,
  diagnoseCommand,
  healthCommand,
  captureCommand,
  completionCommand,
];
