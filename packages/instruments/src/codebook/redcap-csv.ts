import type { CodebookRow } from './rows';

/** REDCap's data dictionary header, in its order, so the file uploads as is. */
export const REDCAP_COLUMNS = [
  'Variable / Field Name',
  'Form Name',
  'Section Header',
  'Field Type',
  'Field Label',
  'Choices, Calculations, OR Slider Labels',
  'Field Note',
  'Text Validation Type OR Show Slider Number',
  'Text Validation Min',
  'Text Validation Max',
  'Identifier?',
  'Branching Logic (Show field only if...)',
  'Required Field?',
  'Custom Alignment',
  'Question Number (surveys only)',
  'Matrix Group Name',
  'Matrix Ranking?',
  'Field Annotation',
] as const;

/** Likert items up to this many points become radio buttons; longer or decimal scales are validated text. */
const MAX_RADIO_POINTS = 11;

function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Renders rows as a REDCap data dictionary. Scale scores are read-only number fields rather than calc fields:
 * REDCap's calc syntax cannot express the proration rule, and a calc that disagrees with `alliance score` would
 * be worse than none.
 */
export function renderRedcapCsv(rows: CodebookRow[]): string {
  const lines = [REDCAP_COLUMNS.map(csvField).join(',')];
  let lastForm = '';
  for (const r of rows) {
    const cells: Record<(typeof REDCAP_COLUMNS)[number], string | number> = Object.fromEntries(
      REDCAP_COLUMNS.map((c) => [c, '']),
    ) as never;
    cells['Variable / Field Name'] = r.name;
    cells['Form Name'] = r.formName;
    if (r.formName !== lastForm) cells['Section Header'] = r.formTitle;
    lastForm = r.formName;
    cells['Field Label'] = r.label;
    const points = r.max - r.min + 1;
    if (r.kind === 'item' && r.decimals === 0 && Number.isInteger(r.min) && points <= MAX_RADIO_POINTS) {
      cells['Field Type'] = 'radio';
      const labels = new Map(r.anchors.map((a) => [a.value, a.label]));
      cells['Choices, Calculations, OR Slider Labels'] = Array.from({ length: points }, (_, i) => r.min + i)
        .map((v) => `${v}, ${labels.get(v) ?? v}`)
        .join(' | ');
    } else {
      cells['Field Type'] = 'text';
      cells['Text Validation Type OR Show Slider Number'] =
        r.kind === 'scale' || r.decimals > 3 ? 'number' : r.decimals === 0 ? 'integer' : `number_${r.decimals}dp`;
      cells['Text Validation Min'] = r.min;
      cells['Text Validation Max'] = r.max;
    }
    cells['Field Note'] = r.kind === 'item' ? `${r.keying}; ${r.missing}` : `${r.scoring}; ${r.missing}`;
    if (r.kind === 'scale') cells['Field Annotation'] = '@READONLY computed by alliance score';
    lines.push(REDCAP_COLUMNS.map((c) => csvField(cells[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
