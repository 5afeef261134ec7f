export * from './command';
export * from './progress';
export * from './table';
export { main, loadCommands, commandHelp } from './main';
export * from './commands/stats/json-shapes';
