import { runCommands, type MainIo } from '../dispatch';
import { coreCommands } from './index';

/** Core's commands on their own, for core's tests: the full command line is composed in packages/cli. */
export function runCore(argv: string[], io?: MainIo): Promise<number> {
  return runCommands(coreCommands, argv, io);
}
