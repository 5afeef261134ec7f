export * from './types';
export * from './speaker-map';
export * from './name-pattern';
export * from './content-hash';
export * from '../../store/transcripts';
export * from './import-files';
export { transcriptFormats, formatFor } from './formats';
