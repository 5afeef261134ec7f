import { describeIds, scoreView, unconfirmedFacts, type FormView } from '@alliance-lab/instruments';
import { readCsvRecords, rowsFromRecords, type CsvRecord } from '../../util/csv';
import { InputError } from '../../util/errors';
import { z } from 'zod';
import { defineCommand } from '../command';
import { text } from '../options';
import { renderTable } from '../table';
import { instrumentCall, registryFor } from './instruments/registry';

interface ScoredRow {
  row: number;
  ids: Record<string, string>;
  scales: Record<string, { score: number | null; pomp: number | null; prorated: boolean; missing: boolean }>;
  errors: Array<{ item: string | null; value: string | null; line: number; message: string }>;
}

/** A header that looks like an item number but is not one of the form's items: a typo or the wrong form. */
const ITEM_LIKE = /^\d+$/;

export const scoreCommand = defineCommand({
  path: ['score'],
  summary: 'score a wide CSV of responses without a study (one row per response, one column per item)',
  description: [
    'Item columns are named by item id (1 … 12 for the WAI-SR); every other column is an id column, kept as text.',
    "Each value is checked against the form's scale. A row with errors still reports the scales its valid items",
    'support, and the command then exits 1. Scales follow the definition (sum or mean after reverse keying) with',
    'its proration rule; POMP is the percent of the maximum possible score.',
    'JSON: {"instrument","form","rows":[{"row":1,"ids":{...},"scales":{"<id>":{"score","pomp","prorated","missing"}},"errors":[...]}]}',
  ].join('\n'),
  options: z.object({
    instrument: text('instrument id (alliance instruments list)', 'ID'),
    form: text('client, therapist, observer or child', 'FORM'),
    in: text('wide CSV with id columns and one column per item', 'FILE'),
    study: text("study folder, for the study's own instruments", 'DIR').optional(),
  }),
  examples: [
    'alliance score --instrument wai-sr --form client --in wai.csv --json',
    'alliance score --instrument srs --form child --in csrs.csv',
  ],
  async run(ctx, o) {
    const file = o.in;
    const registry = await registryFor(o.study);
    const view = instrumentCall(() => registry.view(o.instrument, o.form));
    const items = new Set(view.items.map((it) => it.id));
    const rows: ScoredRow[] = [];
    for await (const { values, line } of rowsFromRecords(checkingHeader(readCsvRecords(file), view, file), file)) {
      const ids: Record<string, string> = {};
      const raw: Record<string, string> = {};
      for (const [col, v] of Object.entries(values)) {
        if (items.has(col) || ITEM_LIKE.test(col)) raw[col] = v;
        else ids[col] = v;
      }
      const r = scoreView(view, raw, { row: rows.length + 1 });
      rows.push({
        row: rows.length + 1,
        ids,
        scales: Object.fromEntries(
          Object.entries(r.scales).map(([id, s]) => [
            id,
            { score: s.score, pomp: s.pomp, prorated: s.prorated, missing: s.missing },
          ]),
        ),
        errors: r.errors.map((e) => ({ ...e, line })),
      });
    }
    const unconfirmed = unconfirmedFacts(view.definition).filter(
      (f) => f.form === view.form.id && f.what.startsWith('scale '),
    ).length;
    if (unconfirmed)
      ctx.log(
        `note: ${unconfirmed} scale key${unconfirmed > 1 ? 's' : ''} of ${view.definition.id} ${view.form.id} ${unconfirmed > 1 ? 'are' : 'is'} unconfirmed; see \`alliance instruments show ${view.definition.id}\``,
      );
    const bad = rows.filter((r) => r.errors.length).length;
    return {
      data: { instrument: view.definition.id, form: view.form.id, rows },
      text: renderScores(view, rows, bad),
      exitCode: bad ? 1 : 0,
    };
  },
});

/** Checks the header record as it passes, so a file with no item column fails even when it has no data rows. */
async function* checkingHeader(
  records: AsyncIterable<CsvRecord>,
  view: FormView,
  file: string,
): AsyncGenerator<CsvRecord> {
  let first = true;
  for await (const rec of records) {
    if (first) {
      const header = rec.fields.map((h) => h.trim());
      if (!header.some((h) => view.items.some((it) => it.id === h))) {
        throw new InputError(
          `no column is named after an item of ${view.definition.id} ${view.form.id} (${describeIds(view.items.map((it) => it.id))}); the columns are ${header.join(', ')}`,
          { file, line: rec.line },
        );
      }
      // A missing column is a file problem, not an unanswered item: prorating over it would report a full-looking
      // score for a form the file never held (response import refuses the same file).
      const absent = view.items.map((it) => it.id).filter((id) => !header.includes(id));
      if (absent.length)
        throw new InputError(
          `no column for item${absent.length > 1 ? 's' : ''} ${describeIds(absent)} of ${view.definition.id} ${view.form.id}; every item needs a column (leave a cell empty for an unanswered item, which is prorated)`,
          { file, line: rec.line },
        );
      first = false;
    }
    yield rec;
  }
}

function renderScores(view: FormView, rows: ScoredRow[], bad: number): string {
  const scaleIds = view.scales.map((s) => s.id);
  const idCols = rows.length ? Object.keys(rows[0]!.ids) : [];
  const table = renderTable(
    ['row', ...idCols, ...scaleIds, 'notes'],
    rows.map((r) => {
      const prorated = scaleIds.filter((s) => r.scales[s]!.prorated);
      const missing = scaleIds.filter((s) => r.scales[s]!.missing);
      const notes = [
        prorated.length ? `prorated: ${prorated.join(' ')}` : '',
        missing.length ? `missing: ${missing.join(' ')}` : '',
        r.errors.length ? `${r.errors.length} error${r.errors.length > 1 ? 's' : ''}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      return [r.row, ...idCols.map((c) => r.ids[c]), ...scaleIds.map((s) => r.scales[s]!.score), notes];
    }),
  );
  const errors = rows.flatMap((r) => r.errors.map((e) => `  line ${e.line}: ${e.message}`));
  return [
    `${view.definition.name}, ${view.form.name} (${view.form.id} form): ${rows.length} row${rows.length === 1 ? '' : 's'} scored`,
    table,
    ...(errors.length
      ? [
          '',
          `${bad} row${bad > 1 ? 's' : ''} with errors (their invalid values were left out of the scores):`,
          ...errors,
        ]
      : []),
  ].join('\n');
}
