import type { Command } from '../../command';
import { acCommand } from './ac';
import { alphaCommand } from './alpha';
import { blandAltmanCommand } from './bland-altman';
import { consistencyCommand } from './consistency';
import { corrCommand } from './corr';
import { decomposeCommand } from './decompose';
import { fleissCommand } from './fleiss';
import { iccCommand } from './icc';
import { kappaCommand } from './kappa';
import { lmmCommand } from './lmm';
import { rmcorrCommand } from './rmcorr';
import { rupturesCommand } from './ruptures';

/**
 * `alliance stats <name>`: one file per statistic beside this one (icc.ts, alpha.ts, ...), each exporting a
 * command. Add a line here for each.
 */
export const statsCommands: Command[] = [
  iccCommand,
  alphaCommand,
  consistencyCommand,
  kappaCommand,
  fleissCommand,
  acCommand,
  blandAltmanCommand,
  corrCommand,
  rmcorrCommand,
  decomposeCommand,
  lmmCommand,
  rupturesCommand,
];
