import type { Command } from '@alliance-lab/core/cli';
import { rateCommand } from './rate';
import { validateCommand } from './validate';

/** The raters package's commands; core's CLI loads this module at start-up. */
export const commands: Command[] = [rateCommand, validateCommand];
