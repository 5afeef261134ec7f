import { runCommands, setRaterValidator, type Command, type MainIo } from '@alliance-lab/core/cli';
import { commands as coreCommands } from '@alliance-lab/core/commands';
import { commands as raterCommands, validateStudyRaters } from '@alliance-lab/raters/commands';
import { commands as serverCommands } from '@alliance-lab/server/commands';

/**
 * Every command of the alliance CLI, in the order help lists them. This package sits above all the others, so
 * it is the one place that knows them all; each command loads its heavy modules inside its own run.
 */
export const commands: readonly Command[] = [...coreCommands, ...raterCommands, ...serverCommands];

// Core reads study.json but cannot know the providers; every command that loads a study checks its raters' options.
setRaterValidator(validateStudyRaters);

/** Runs one command line; resolves to the exit code (0 success, 1 bad input, 2 usage error). */
export function main(argv: string[], io?: MainIo): Promise<number> {
  return runCommands(commands, argv, io);
}
