import { basename } from 'node:path';
import { InputError } from '../../../util/errors';
import { readCsvTable } from '../csv-table';

export interface DictionaryField {
  name: string;
  form: string;
  type: string;
  label: string;
  /** Coded choices of radio, dropdown and similar fields: code → label. */
  choices?: Map<string, string>;
  line: number;
}

export interface DataDictionary {
  file: string;
  /** The column holding choices, as the file names it (for messages). */
  choicesColumn: string;
  fields: DictionaryField[];
}

/** REDCap writes the dictionary with these headers in the designer's download and with snake_case ones from the API. */
const COLUMNS = {
  name: ['Variable / Field Name', 'field_name'],
  form: ['Form Name', 'form_name'],
  type: ['Field Type', 'field_type'],
  label: ['Field Label', 'field_label'],
  choices: ['Choices, Calculations, OR Slider Labels', 'select_choices_or_calculations'],
} as const;

const CODED_TYPES = new Set(['radio', 'dropdown', 'yesno', 'truefalse']);

export async function readDataDictionary(path: string): Promise<DataDictionary> {
  const label = basename(path);
  const { header, rows } = await readCsvTable(path, label);
  const col = {} as Record<keyof typeof COLUMNS, string>;
  for (const [key, names] of Object.entries(COLUMNS) as Array<[keyof typeof COLUMNS, readonly string[]]>) {
    const found = names.find((n) => header.includes(n));
    if (!found) {
      throw new InputError(
        `not a REDCap data dictionary: no "${names[0]}" column (the header has ${header
          .slice(0, 6)
          .map((h) => `"${h}"`)
          .join(', ')}…)`,
        {
          file: label,
          line: 1,
        },
      );
    }
    col[key] = found;
  }
  const fields: DictionaryField[] = [];
  for (const row of rows) {
    const name = row.values[col.name]!.trim();
    if (name === '') throw new InputError('a field without a name', { file: label, line: row.line, column: col.name });
    const type = row.values[col.type]!.trim();
    const field: DictionaryField = {
      name,
      form: row.values[col.form]!.trim(),
      type,
      label: row.values[col.label]!.trim(),
      line: row.line,
    };
    if (CODED_TYPES.has(type))
      field.choices = parseChoices(row.values[col.choices]!, type, {
        file: label,
        line: row.line,
        column: col.choices,
      });
    fields.push(field);
  }
  return { file: label, choicesColumn: col.choices, fields };
}

/** "1, Seldom | 2, Sometimes": codes before the first comma, labels after it (labels may hold commas). */
function parseChoices(
  raw: string,
  type: string,
  where: { file: string; line: number; column: string },
): Map<string, string> {
  if (type === 'yesno')
    return new Map([
      ['1', 'Yes'],
      ['0', 'No'],
    ]);
  if (type === 'truefalse')
    return new Map([
      ['1', 'True'],
      ['0', 'False'],
    ]);
  const out = new Map<string, string>();
  for (const part of raw.split('|')) {
    const p = part.trim();
    if (p === '') continue;
    const comma = p.indexOf(',');
    if (comma <= 0) throw new InputError(`choice "${p}" should be "code, label"`, where);
    out.set(p.slice(0, comma).trim(), p.slice(comma + 1).trim());
  }
  if (out.size === 0) throw new InputError(`a ${type} field without choices`, where);
  return out;
}
