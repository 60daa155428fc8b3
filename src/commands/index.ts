import type { CommandModule } from '../cli/program.js';
import { analyzeCommand } from './analyze/index.js';
import { completionCommand } from './completion/index.js';
import { kubeInjectCommand } from './kube-inject/index.js';
import { proxyConfigCommand } from './proxy-config/index.js';
import { proxyStatsCommand } from './proxy-stats/index.js';
import { manifestCommand } from './manifest/index.js';

/** Every command, in the order `--help` lists them. */
export const commands: readonly CommandModule[] = [analyzeCommand, completionCommand, kubeInjectCommand, proxyConfigCommand, proxyStatsCommand, manifestCommand];
