export * from './definition-schema';
export * from './errors';
export { readJsonFile, parseWith } from './json-file';
export { DEFINITIONS_DIR, builtinDefinitions, loadDefinitionFile } from './builtin';
