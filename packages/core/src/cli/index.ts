export * from './command';
export * from './options';
export * from './progress';
export * from './table';
export { runCommands, commandHelp, commandUsage, topLevelHelp, editDistance, type MainIo } from './dispatch';
export { InputError, UsageError } from '../util/errors';
