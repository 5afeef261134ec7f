import type { Command } from '../../command';

/**
 * `alliance stats <name>`: one file per statistic beside this one (icc.ts, alpha.ts, ...), each exporting a
 * command. Add a line here for each.
 */
export const statsCommands: Command[] = [];
