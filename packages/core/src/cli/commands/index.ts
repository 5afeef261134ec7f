import type { Command } from '../command';
import { initCommand } from './init';
import { statusCommand } from './status';

/** Core's commands, in the order help lists them. */
export const coreCommands: Command[] = [initCommand, statusCommand];
