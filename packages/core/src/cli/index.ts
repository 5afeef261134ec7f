export * from './command';
export * from './progress';
export * from './table';
export { main, loadCommands, commandHelp } from './main';
