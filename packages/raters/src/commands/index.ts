import type { Command } from '@alliance-lab/core/cli';
import { codeCommand } from './code';
import { rateCommand } from './rate';
import { validateCommand } from './validate';

/** The raters package's commands; core's CLI loads this module at start-up. */
export const commands: Command[] = [rateCommand, codeCommand, validateCommand];

/**
 * study.json's rater entries checked through their providers' schemas. The composition root hands it to core's
 * setRaterValidator, so every command that loads a study refuses a mistyped rater option.
 */
export { validateStudyRaters } from '../providers/registry';
