import type { Command } from '../../command';
import { instrumentsAddCommand } from './add';
import { instrumentsAddWordingCommand } from './add-wording';
import { instrumentsListCommand } from './list';
import { instrumentsShowCommand } from './show';

export const instrumentsCommands: Command[] = [
  instrumentsListCommand,
  instrumentsShowCommand,
  instrumentsAddCommand,
  instrumentsAddWordingCommand,
];
export { instrumentCall, registryFor } from './registry';
