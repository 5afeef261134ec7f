export * from './ids';
export * from './transcript';
export * from './response';
export * from './rating';
export * from './score';
export * from './audit';
export * from '../study/study-config';
