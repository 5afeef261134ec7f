import type { Command } from '../command';
import { codebookCommand } from './codebook';
import { exportDatasetCommand } from './export-dataset';
import { exportScoresCommand } from './export-scores';
import { importResponsesCommand } from './import-responses';
import { importTranscriptsCommand } from './import-transcripts';
import { initCommand } from './init';
import { linksCommand } from './links';
import { instrumentsCommands } from './instruments';
import { scoreCommand } from './score';
import { statusCommand } from './status';
import { storeCopyCommand } from './store-copy';
import { statsCommands } from './stats';
import { usersAddCommand } from './users';

/** Core's commands, in the order help lists them. */
export const coreCommands: Command[] = [
  initCommand,
  statusCommand,
  storeCopyCommand,
  importTranscriptsCommand,
  importResponsesCommand,
  scoreCommand,
  ...instrumentsCommands,
  codebookCommand,
  exportScoresCommand,
  exportDatasetCommand,
  ...statsCommands,
  usersAddCommand,
  linksCommand,
];

/** The list the cli package composes with the other packages' commands. */
export const commands: Command[] = coreCommands;
