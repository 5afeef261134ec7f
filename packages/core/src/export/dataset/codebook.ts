import { REDCAP_COLUMNS } from '@alliance-lab/instruments';
import { csvEscape } from '../../util/csv';
import type { ColumnSpec } from './columns';

/** One documented column: a column of one written file. */
export interface DocumentedColumn extends ColumnSpec {
  /** The table (file name without extension) the column is in. */
  table: string;
  tableLabel: string;
  min?: number;
  max?: number;
}

const VALIDATION: Record<ColumnSpec['type'], string> = {
  string: '',
  json: '',
  date: '',
  integer: 'integer',
  flag: 'integer',
  number: 'number',
};

function bounds(c: DocumentedColumn): { min?: number; max?: number } {
  if (c.min !== undefined || c.max !== undefined) return { min: c.min, max: c.max };
  const between = /^(-?[\d.]+)–(-?[\d.]+)$/.exec(c.range);
  if (between) return { min: Number(between[1]), max: Number(between[2]) };
  const atLeast = /^≥ (-?[\d.]+)$/.exec(c.range);
  return atLeast ? { min: Number(atLeast[1]) } : {};
}

function note(c: DocumentedColumn): string {
  return [
    `type: ${c.type}`,
    c.unit && `unit: ${c.unit}`,
    c.range && `range: ${c.range}`,
    `source: ${c.source}`,
    c.instrument && `instrument: ${c.instrument}`,
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * The dataset's data dictionary in REDCap's layout: one line per column of every written table, the table as
 * the form name. REDCap wants variable names unique across forms, so a dictionary meant for upload takes one
 * table's lines; the layout is kept so REDCap-aware tools read it.
 */
export function datasetCodebookCsv(columns: readonly DocumentedColumn[], identifying: ReadonlySet<string>): string {
  const lines = [REDCAP_COLUMNS.map(csvEscape).join(',')];
  let lastTable = '';
  for (const c of columns) {
    const cells: Record<string, string | number> = Object.fromEntries(REDCAP_COLUMNS.map((h) => [h, '']));
    const { min, max } = bounds(c);
    cells['Variable / Field Name'] = c.name;
    cells['Form Name'] = c.table;
    if (c.table !== lastTable) cells['Section Header'] = c.tableLabel;
    lastTable = c.table;
    cells['Field Type'] = 'text';
    cells['Field Label'] = c.label;
    cells['Field Note'] = note(c);
    cells['Text Validation Type OR Show Slider Number'] = VALIDATION[c.type];
    if (min !== undefined) cells['Text Validation Min'] = min;
    if (max !== undefined) cells['Text Validation Max'] = max;
    if (identifying.has(c.name)) cells['Identifier?'] = 'y';
    cells['Field Annotation'] = `@TYPE=${c.type}`;
    lines.push(REDCAP_COLUMNS.map((h) => csvEscape(cells[h])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function datasetCodebookMd(title: string, columns: readonly DocumentedColumn[], notes: string[]): string {
  const out = [`# ${title}`, ''];
  for (const n of notes) out.push(`- ${n}`);
  let table = '';
  for (const c of columns) {
    if (c.table !== table) {
      table = c.table;
      out.push('', `## ${c.table}`, '', c.tableLabel, '');
      out.push(
        '| column | type | unit | range | source | instrument | description |',
        '| --- | --- | --- | --- | --- | --- | --- |',
      );
    }
    const { min, max } = bounds(c);
    const range = c.range || (min !== undefined && max !== undefined ? `${min}–${max}` : '');
    out.push(`| ${[c.name, c.type, c.unit, range, c.source, c.instrument, c.label].map(md).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}
