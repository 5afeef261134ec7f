import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinDefinitions } from './builtin';
import { InstrumentDefinition } from './definition-schema';
import { InstrumentFileError } from './errors';
import { parseWith, readJsonFile } from './json-file';
import { loadRegistry, STUDY_INSTRUMENTS_DIR, STUDY_WORDING_DIR } from './registry';
import { checkWording, Wording } from './wording';

function studyFolder(studyDir: string): void {
  if (!existsSync(studyDir) || !statSync(studyDir).isDirectory())
    throw new InstrumentFileError(studyDir, ['is not a folder']);
}

/**
 * Validates a study's own instrument definition (a local translation, the Session Alliance Inventory, or a
 * built-in with a corrected key) and copies it, unchanged, to DIR/instruments/<id>.json.
 */
export function installStudyInstrument(
  studyDir: string,
  file: string,
): { id: string; path: string; overridesBuiltin: boolean; replaced: boolean } {
  studyFolder(studyDir);
  const def = parseWith(InstrumentDefinition, readJsonFile(file), file);
  const before = loadRegistry({ studyDir });
  const dir = join(studyDir, STUDY_INSTRUMENTS_DIR);
  const path = join(dir, `${def.id}.json`);
  const replaced = existsSync(path);
  const wording = before.has(def.id) ? before.get(def.id).wording : undefined;
  // Installed wording must still fit the new definition; finding out at the next load would break the study.
  if (wording) checkWording(def, wording, before.get(def.id).wordingFile!);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, readFileSync(file));
  return { id: def.id, path, overridesBuiltin: builtinDefinitions().some((d) => d.id === def.id), replaced };
}

/** Checks licensed wording against the study's definition of the instrument and copies it to DIR/wording/<id>.json. */
export function installWording(
  studyDir: string,
  file: string,
): { instrument: string; path: string; forms: string[]; replaced: boolean } {
  studyFolder(studyDir);
  const wording = parseWith(Wording, readJsonFile(file), file);
  const registry = loadRegistry({ studyDir });
  if (!registry.has(wording.instrument)) {
    throw new InstrumentFileError(file, [
      `instrument: "${wording.instrument}" is not a known instrument (${registry
        .list()
        .map((e) => e.definition.id)
        .join(', ')})`,
    ]);
  }
  checkWording(registry.definition(wording.instrument), wording, file);
  const dir = join(studyDir, STUDY_WORDING_DIR);
  const path = join(dir, `${wording.instrument}.json`);
  const replaced = existsSync(path);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, readFileSync(file));
  return { instrument: wording.instrument, path, forms: Object.keys(wording.forms), replaced };
}
