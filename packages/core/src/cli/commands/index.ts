import type { Command } from '../command';
import { codebookCommand } from './codebook';
import { exportScoresCommand } from './export-scores';
import { importResponsesCommand } from './import-responses';
import { importTranscriptsCommand } from './import-transcripts';
import { initCommand } from './init';
import { linksCommand } from './links';
import { instrumentsCommands } from './instruments';
import { scoreCommand } from './score';
import { statusCommand } from './status';
import { statsCommands } from './stats';
import { usersAddCommand } from './users';

/** Core's commands, in the order help lists them. */
export const coreCommands: Command[] = [
  initCommand,
  statusCommand,
  importTranscriptsCommand,
  importResponsesCommand,
  scoreCommand,
  ...instrumentsCommands,
  codebookCommand,
  exportScoresCommand,
  ...statsCommands,
  usersAddCommand,
  linksCommand,
];
