export * from './command';
export * from './options';
export * from './progress';
export * from './table';
export { runCommands, commandHelp, commandUsage, topLevelHelp, type MainIo } from './dispatch';
export { editDistance } from '../util/suggest';
export { InputError, UsageError } from '../util/errors';
export { setRaterValidator } from '../study/rater-validator';
export * from './commands/stats/json-shapes';
