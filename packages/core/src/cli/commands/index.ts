import type { Command } from '../command';
import { importResponsesCommand } from './import-responses';
import { importTranscriptsCommand } from './import-transcripts';
import { initCommand } from './init';
import { statusCommand } from './status';
import { statsCommands } from './stats';

/** Core's commands, in the order help lists them. */
export const coreCommands: Command[] = [initCommand, statusCommand, importTranscriptsCommand, importResponsesCommand, ...statsCommands];
