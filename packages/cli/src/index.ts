export { commands, main } from './main';
