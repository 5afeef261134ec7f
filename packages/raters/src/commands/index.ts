import type { Command } from '@alliance-lab/core/cli';
import { codeCommand } from './code';
import { rateCommand } from './rate';
import { validateCommand } from './validate';
import { workerCommand } from './worker';

/** The raters package's commands; core's CLI loads this module at start-up. */
export const commands: Command[] = [rateCommand, codeCommand, validateCommand, workerCommand];

/**
 * study.json's rater entries checked through their providers' schemas. The composition root hands it to core's
 * setRaterValidator, so every command that loads a study refuses a mistyped rater option.
 */
export { validateStudyRaters } from '../providers/registry';
