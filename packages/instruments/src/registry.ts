import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { builtinDefinitions, DEFINITIONS_DIR, loadDefinitionFile } from './builtin';
import type { InstrumentDefinition } from './definition-schema';
import { InstrumentFileError, InstrumentLookupError } from './errors';
import { formView, type FormView } from './form-view';
import { parseWith, readJsonFile } from './json-file';
import { checkWording, itemLabel, type ItemLabel, Wording } from './wording';

/** Where a study keeps its own definitions and its licensed wording, relative to the study folder. */
export const STUDY_INSTRUMENTS_DIR = 'instruments';
export const STUDY_WORDING_DIR = 'wording';

export interface RegistryEntry {
  definition: InstrumentDefinition;
  origin: 'builtin' | 'study';
  file: string;
  /** A study definition that replaces the built-in one with the same id (e.g. with a confirmed key). */
  overridesBuiltin: boolean;
  wording?: Wording;
  wordingFile?: string;
}

/**
 * The instruments one run can use: the shipped definitions, then a study's own (which win on the same id), each
 * with the study's installed wording if any. Every file is validated on load; a bad one is an error naming it.
 */
export class InstrumentRegistry {
  private readonly entries = new Map<string, RegistryEntry>();
  /** Views are derived from entries that never change after loading; a server asks for one on every request. */
  private readonly views = new Map<string, FormView>();

  constructor(entries: RegistryEntry[]) {
    for (const e of entries) this.entries.set(e.definition.id, e);
  }

  list(): RegistryEntry[] {
    return [...this.entries.values()].sort((a, b) => a.definition.id.localeCompare(b.definition.id));
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): RegistryEntry {
    const e = this.entries.get(id);
    if (!e)
      throw new InstrumentLookupError(
        `unknown instrument "${id}"; known instruments are ${[...this.entries.keys()].sort().join(', ')}`,
      );
    return e;
  }

  definition(id: string): InstrumentDefinition {
    return this.get(id).definition;
  }

  view(id: string, form: string): FormView {
    const key = `${id}\u0000${form}`;
    let v = this.views.get(key);
    if (!v) this.views.set(key, (v = formView(this.definition(id), form)));
    return v;
  }

  wording(id: string): Wording | undefined {
    return this.get(id).wording;
  }

  /** The label to show for an item: installed wording when the study has it, else the paraphrase, flagged. */
  itemLabel(id: string, form: string, item: string): ItemLabel {
    return itemLabel(this.view(id, form), item, this.wording(id));
  }
}

/** Loads the built-in definitions and, given a study folder, its instruments/ and wording/ files. */
export function loadRegistry(opts: { studyDir?: string } = {}): InstrumentRegistry {
  const entries = new Map<string, RegistryEntry>();
  for (const d of builtinDefinitions())
    entries.set(d.id, {
      definition: d,
      origin: 'builtin',
      file: join(DEFINITIONS_DIR, `${d.id}.json`),
      overridesBuiltin: false,
    });
  if (opts.studyDir) {
    for (const file of jsonFiles(join(opts.studyDir, STUDY_INSTRUMENTS_DIR))) {
      const definition = loadDefinitionFile(file);
      entries.set(definition.id, {
        definition,
        origin: 'study',
        file,
        overridesBuiltin: entries.get(definition.id)?.origin === 'builtin',
      });
    }
    for (const file of jsonFiles(join(opts.studyDir, STUDY_WORDING_DIR))) {
      const wording = parseWith(Wording, readJsonFile(file), file);
      const entry = entries.get(wording.instrument);
      if (!entry)
        throw new InstrumentFileError(file, [
          `instrument: "${wording.instrument}" is not a known instrument (${[...entries.keys()].sort().join(', ')})`,
        ]);
      entry.wording = checkWording(entry.definition, wording, file);
      entry.wordingFile = file;
    }
  }
  return new InstrumentRegistry([...entries.values()]);
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}
