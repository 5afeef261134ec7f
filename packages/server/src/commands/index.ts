import type { Command } from '@alliance-lab/core/cli';
import { serveCommand } from './serve';

/** The server package's commands; core's CLI loads this module at start-up. */
export const commands: Command[] = [serveCommand];
