import {
  codebookNotes,
  codebookRows,
  InstrumentFileError,
  InstrumentLookupError,
  loadRegistry,
  REDCAP_COLUMNS,
  renderHtml,
  renderMarkdown,
  renderRedcapCsv,
  type CodebookEntry,
  type CodebookRow,
  type InstrumentRegistry,
} from '@alliance-lab/instruments';
import { join } from 'node:path';
import { wideColumns, type WideColumn } from '../export/wide-columns';
import { scoreKeys } from '../store/scores';
import { STUDY_FILE, type Study } from '../store/study';
import { csvEscape } from '../util/csv';
import { InputError } from '../util/errors';
import type { StudyConfig } from './study-config';

export const CODEBOOK_FORMATS = ['csv', 'md', 'html'] as const;
export type CodebookFormat = (typeof CODEBOOK_FORMATS)[number];

/** A key variable of every exported row: not an instrument variable, so not a CodebookRow. */
export interface IdVariable {
  name: string;
  label: string;
  /** REDCap text validation: empty for free text. */
  validation: '' | 'integer' | 'date_ymd';
  min?: number;
}

export interface StudyCodebook {
  title: string;
  ids: IdVariable[];
  rows: CodebookRow[];
  notes: string[];
}

const IDS: IdVariable[] = [
  { name: 'session_id', label: 'Session id (client/session)', validation: '' },
  { name: 'client', label: 'Client (pseudonymous id)', validation: '' },
  { name: 'therapist', label: 'Therapist (pseudonymous id)', validation: '' },
  { name: 'session', label: "Session number within the client's treatment (1 = first)", validation: 'integer', min: 1 },
  { name: 'date', label: 'Session date (YYYY-MM-DD)', validation: 'date_ymd' },
];

/**
 * The data dictionary of the study's wide scores (`alliance export scores --wide`, the dataset's scores_wide.csv):
 * the key variables, then one variable per column those exports write, from the one wide column list, so the
 * codebook names exactly what the files hold. Every form study.json schedules or gives a rater is still checked
 * against the registry, so a typo there is an error here too.
 */
export async function studyCodebook(
  study: Study,
  registry: InstrumentRegistry = loadRegistry({ studyDir: study.dir }),
): Promise<StudyCodebook> {
  const where = { file: join(study.dir, STUDY_FILE) };
  study.config.instruments.forEach((si, i) =>
    entry(registry, si.instrument, si.form, () => `instruments[${i}] of ${STUDY_FILE}`, where),
  );
  for (const [name, rater] of Object.entries(study.config.raters))
    for (const spec of rater.forms) {
      const [instrument, form] = spec.split(':') as [string, string];
      entry(registry, instrument, form, () => `raters.${name}.forms`, where);
    }
  const columns = wideColumns(await scoreKeys(study.db));
  const { rows, entries } = wideCodebookRows(registry, columns, study.config.raters, where);
  return { title: `${study.config.name}: codebook`, ids: IDS, rows, notes: codebookNotes(entries) };
}

/** The codebook variable of each wide score column: its scale's entry, renamed and labelled with who scored it. */
export function wideCodebookRows(
  registry: InstrumentRegistry,
  columns: readonly WideColumn[],
  raters: StudyConfig['raters'],
  where: { file: string },
): { rows: CodebookRow[]; entries: CodebookEntry[] } {
  const entries = new Map<string, CodebookEntry>();
  const rows = columns.map((c) => {
    const key = `${c.instrument}:${c.form}`;
    let e = entries.get(key);
    if (!e) {
      e = entry(registry, c.instrument, c.form, () => 'the stored scores', where);
      entries.set(key, e);
    }
    const scale = codebookRows([e]).find((r) => r.kind === 'scale' && r.id === c.scale);
    if (!scale)
      throw new InputError(`the stored scores have scale "${c.scale}" of ${key}, which it does not define`, where);
    const config = raters[c.rater];
    const by =
      c.source === 'self-report'
        ? `${c.rater}'s self-report`
        : c.source === 'coder'
          ? `rated by coder ${c.rater}`
          : `rated by ${c.rater}${config ? ` (${config.provider} ${config.model})` : ''}`;
    const prefix = safe(c.rater);
    return {
      ...scale,
      name: c.name,
      label: `${scale.label}, ${by}`,
      formName: `${prefix}_${scale.formName}`,
      formTitle: `${scale.formTitle}, ${by}`,
    };
  });
  return { rows, entries: [...entries.values()] };
}

function entry(
  registry: InstrumentRegistry,
  instrument: string,
  form: string,
  origin: () => string,
  where: { file: string },
): CodebookEntry {
  try {
    const e = registry.get(instrument);
    registry.view(instrument, form);
    return { definition: e.definition, form, ...(e.wording ? { wording: e.wording } : {}) };
  } catch (err) {
    if (err instanceof InstrumentLookupError) throw new InputError(`${origin()}: ${err.message}`, where);
    if (err instanceof InstrumentFileError) throw new InputError(err.problems.join('; '), { file: err.file });
    throw err;
  }
}

/** Rater names may hold "." and "-"; variable names may not. */
function safe(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/**
 * CSV is a REDCap data dictionary that uploads as is, key variables first (REDCap wants the record id as its
 * first field). Markdown and HTML list the key variables above the instrument table.
 */
export function renderStudyCodebook(cb: StudyCodebook, format: CodebookFormat): string {
  if (format === 'csv') {
    const idLines = cb.ids.map((v, i) => {
      const cells: Record<string, string | number> = Object.fromEntries(REDCAP_COLUMNS.map((c) => [c, '']));
      cells['Variable / Field Name'] = v.name;
      cells['Form Name'] = 'session_keys';
      if (i === 0) cells['Section Header'] = 'Session keys';
      cells['Field Type'] = 'text';
      cells['Field Label'] = v.label;
      cells['Text Validation Type OR Show Slider Number'] = v.validation;
      if (v.min !== undefined) cells['Text Validation Min'] = v.min;
      return REDCAP_COLUMNS.map((c) => csvEscape(cells[c])).join(',');
    });
    const instrument = renderRedcapCsv(cb.rows).split('\r\n').slice(1).join('\r\n');
    return `${[REDCAP_COLUMNS.map(csvEscape).join(','), ...idLines].join('\r\n')}\r\n${instrument}`;
  }
  const keyNotes = cb.ids.map(
    (v) =>
      `key variable \`${v.name}\`: ${v.label}${v.validation === 'integer' ? ', integer' : v.validation === 'date_ymd' ? ', date' : ', text'}`,
  );
  const opts = { title: cb.title, notes: [...keyNotes, ...cb.notes] };
  return format === 'md' ? renderMarkdown(cb.rows, opts) : renderHtml(cb.rows, opts);
}
