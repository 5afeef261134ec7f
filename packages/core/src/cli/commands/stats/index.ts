import type { Command } from '../../command';
import { corrCommand } from './corr';
import { decomposeCommand } from './decompose';
import { lmmCommand } from './lmm';
import { rmcorrCommand } from './rmcorr';
import { rupturesCommand } from './ruptures';

/**
 * `alliance stats <name>`: one file per statistic beside this one (icc.ts, alpha.ts, ...), each exporting a
 * command. Add a line here for each.
 */
export const statsCommands: Command[] = [corrCommand, rmcorrCommand, decomposeCommand, lmmCommand, rupturesCommand];
