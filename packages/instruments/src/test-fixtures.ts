import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir as makeTempDir } from '../../../test/support/temp-dir';
import type { InstrumentDefinitionInput } from './definition-schema';

/** A small valid study instrument (two forms, two scales), for tests that need a definition to break or install. */
export function miniDefinition(): InstrumentDefinitionInput {
  return {
    id: 'mini',
    name: 'Mini alliance check',
    version: '1.0.0',
    citations: [{ key: 'lab-2026', text: 'Our lab (2026). Internal measure.', confirmed: true }],
    licence: { note: 'Written by the lab; free to use.', wordingIncluded: true },
    forms: [
      {
        id: 'client',
        name: 'Mini-C',
        respondent: 'client',
        scale: { min: 1, max: 4, source: 'lab', confirmed: true },
        source: 'lab',
        confirmed: true,
      },
      {
        id: 'therapist',
        name: 'Mini-T',
        respondent: 'therapist',
        scale: { min: 1, max: 4, source: 'lab', confirmed: true },
        source: 'lab',
        confirmed: true,
      },
    ],
    items: [
      { id: 'a1', descriptor: 'feels understood', keying: { reverse: false, source: 'lab', confirmed: true } },
      { id: 'a2', descriptor: 'finds sessions pointless', keying: { reverse: true, source: 'lab', confirmed: true } },
      { id: 'b1', descriptor: 'agrees on aims', keying: { reverse: false, source: 'lab', confirmed: true } },
      {
        id: 'b2',
        descriptor: 'agrees on methods',
        keying: { reverse: false, source: 'lab', confirmed: false },
        forms: ['client'],
      },
    ],
    scales: [
      { id: 'bond', label: 'Bond', items: ['a1', 'a2'], method: 'mean', source: 'lab', confirmed: true },
      {
        id: 'agree',
        label: 'Agreement',
        items: ['b1', 'b2'],
        method: 'sum',
        source: 'lab',
        confirmed: true,
        forms: ['client'],
      },
    ],
    total: { label: 'Total', method: 'mean', source: 'lab', confirmed: true },
  };
}

export function tempDir(prefix = 'instruments-'): string {
  return makeTempDir(prefix);
}

export function writeJson(dir: string, name: string, value: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}
