import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InstrumentDefinition } from './definition-schema';
import { InstrumentFileError } from './errors';
import { parseWith, readJsonFile } from './json-file';

/** The shipped definitions folder; other packages (the demo simulator) read the JSON files from here. */
export const DEFINITIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'definitions');

/**
 * Reads and validates one definition file. The file is named after the id (wai-sr.json) so that a study's
 * instruments folder can be searched by id without opening every file.
 */
export function loadDefinitionFile(file: string): InstrumentDefinition {
  const def = parseWith(InstrumentDefinition, readJsonFile(file), file);
  const expected = basename(file).replace(/\.json$/, '');
  if (def.id !== expected)
    throw new InstrumentFileError(file, [`id: "${def.id}" does not match the file name; name the file ${def.id}.json`]);
  return def;
}

let cache: InstrumentDefinition[] | undefined;

/** Every shipped definition, validated once per process. */
export function builtinDefinitions(): InstrumentDefinition[] {
  cache ??= readdirSync(DEFINITIONS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadDefinitionFile(join(DEFINITIONS_DIR, f)));
  return cache;
}
