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
import { storedResponseForms } from '../store/responses';
import { STUDY_FILE, type Study } from '../store/study';
import { csvEscape } from '../util/csv';
import { InputError } from '../util/errors';

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
  { name: 'client', label: 'Client (pseudonymous id)', validation: '' },
  { name: 'therapist', label: 'Therapist (pseudonymous id)', validation: '' },
  { name: 'session', label: "Session number within the client's treatment (1 = first)", validation: 'integer', min: 1 },
  { name: 'date', label: 'Session date (YYYY-MM-DD)', validation: 'date_ymd' },
];
const CODER: IdVariable = { name: 'coder', label: 'Human coder of observer ratings (pseudonymous id)', validation: '' };

/**
 * The data dictionary of everything the study exports: the key variables; for each instrument form it schedules
 * or holds responses for, the items and, per scale, the score, its POMP and the prorated and missing flags; and
 * the same scale variables per rater for the forms each rater fills in. Instrument variables come from the
 * instruments package's codebook, with the study's licensed wording where installed.
 */
export async function studyCodebook(
  study: Study,
  registry: InstrumentRegistry = loadRegistry({ studyDir: study.dir }),
): Promise<StudyCodebook> {
  const where = { file: join(study.dir, STUDY_FILE) };
  const seen = new Set<string>();
  const forms: Array<{ instrument: string; form: string; origin: string }> = [];
  const add = (instrument: string, form: string, origin: string) => {
    const key = `${instrument}:${form}`;
    if (seen.has(key)) return;
    seen.add(key);
    forms.push({ instrument, form, origin });
  };
  study.config.instruments.forEach((si, i) => add(si.instrument, si.form, `instruments[${i}]`));
  // Forms not on the schedule but in the store (coders' observer ratings, an ad-hoc questionnaire) are exported too.
  const stored = await storedResponseForms(study.db);
  for (const s of stored) add(s.instrument, s.form, 'the stored responses');

  const entries: CodebookEntry[] = forms.map(({ instrument, form, origin }) =>
    entry(registry, instrument, form, () => `${origin} of ${STUDY_FILE}`, where),
  );
  const rows: CodebookRow[] = [];
  for (const r of codebookRows(entries)) rows.push(...(r.kind === 'scale' ? scaleVariables(r) : [r]));

  const raterEntries: CodebookEntry[] = [];
  for (const [name, rater] of Object.entries(study.config.raters)) {
    for (const spec of rater.forms) {
      const [instrument, form] = spec.split(':') as [string, string];
      const e = entry(registry, instrument, form, () => `raters.${name}.forms`, where);
      raterEntries.push(e);
      const prefix = safe(name);
      for (const r of codebookRows([e])) {
        if (r.kind !== 'scale') continue;
        const rated: CodebookRow = {
          ...r,
          name: `${prefix}_${r.name}`,
          label: `${r.label}, rated by ${name} (${rater.provider}${typeof rater.model === 'string' ? ` ${rater.model}` : ''})`,
          formName: `${prefix}_${r.formName}`,
          formTitle: `${r.formTitle}, rated by ${name}`,
        };
        rows.push(...scaleVariables(rated));
      }
    }
  }

  const ids = [
    ...IDS,
    ...(forms.some((f) => registry.view(f.instrument, f.form).form.respondent === 'coder') ? [CODER] : []),
  ];
  return { title: `${study.config.name}: codebook`, ids, rows, notes: codebookNotes([...entries, ...raterEntries]) };
}

/** A scale's four exported variables: the score, its POMP, and whether it was prorated or could not be scored. */
function scaleVariables(r: CodebookRow): CodebookRow[] {
  const flag = (suffix: string, label: string, meaning: string): CodebookRow => ({
    ...r,
    name: `${r.name}_${suffix}`,
    id: `${r.id} ${suffix}`,
    label: `${r.label}: ${label}`,
    type: 'integer',
    min: 0,
    max: 1,
    decimals: 0,
    anchors: [
      { value: 0, label: 'no' },
      { value: 1, label: 'yes' },
    ],
    keying: 'not applicable',
    scoring: meaning,
    missing: 'blank when there is no response',
  });
  return [
    r,
    {
      ...r,
      name: `${r.name}_pomp`,
      id: `${r.id} POMP`,
      label: `${r.label}, POMP (percent of maximum possible)`,
      type: 'number',
      min: 0,
      max: 100,
      scoring: `100 × (score − ${r.min}) / (${r.max} − ${r.min}), comparable across instruments with different ranges`,
    },
    flag(
      'prorated',
      'prorated',
      '1 when the score was computed from fewer than all items (the proration rule is on the score variable)',
    ),
    flag('missing', 'not scored', '1 when too few items were answered to score the scale; the score is then blank'),
  ];
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
