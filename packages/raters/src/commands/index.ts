import type { Command } from '@alliance-lab/core/cli';
import { codeCommand } from './code';
import { rateCommand } from './rate';

/** The raters package's commands; core's CLI loads this module at start-up. */
export const commands: Command[] = [rateCommand, codeCommand];
