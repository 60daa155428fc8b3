import type { CommandModule } from '../cli/program.js';
import { analyzeCommand } from './analyze/index.js';
import { completionCommand } from './completion/index.js';

/** Every command, in the order `--help` lists them. */
export const commands: readonly CommandModule[] = [analyzeCommand, completionCommand];
