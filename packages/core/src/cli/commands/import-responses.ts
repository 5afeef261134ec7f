import { z } from 'zod';
import type { ImportResponsesSummary } from '../../import/responses';
import { DEFAULT_LONG_COLUMNS } from '../../import/responses/long';
import { DEFAULT_ID_COLUMNS, RESPONSE_FORMATS, type IdColumns } from '../../import/responses/types';
import { PseudonymId } from '../../schemas/ids';
import { parseDelimiterOption } from '../../util/csv';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { choice, flag, text } from '../options';
import { instrumentCall } from './instruments/registry';

const idColumn = (k: keyof IdColumns) =>
  text(`${k === 'submitted' ? 'submission time' : k} column`, 'NAME').default(DEFAULT_ID_COLUMNS[k]);

export const importResponsesCommand = defineCommand({
  path: ['import', 'responses'],
  summary: 'import questionnaire responses (wide or long CSV, REDCap, Qualtrics) and score them',
  description: [
    "Every value is checked against the form's scale; the file imports whole or not at all, and every problem",
    'is reported with its file, line and column. A response already stored for the same session, instrument,',
    'form and respondent is left alone when its values are the same; when they differ the row is refused',
    'unless --replace is given (the audit table keeps both). --dry-run counts what would be added, changed',
    'and left alone, and writes nothing. Each stored response is scored in the same transaction. Observer forms (wai-o-s, calpas',
    "observer) are human coders' ratings: the coder column names the coder. A session not yet in the study is",
    'created when the row or --therapist names its therapist. The format is guessed from the file unless given.',
  ].join('\n'),
  positionals: { name: 'FILE', min: 1, max: 1 },
  options: z.object({
    study: text('study folder', 'DIR'),
    instrument: text('instrument id (alliance instruments list)', 'ID'),
    form: text('client, therapist, observer or child', 'FORM'),
    format: choice(RESPONSE_FORMATS, `${RESPONSE_FORMATS.join(', ')} (default: guessed from the file)`).optional(),
    dictionary: text('REDCap data dictionary CSV (required for REDCap exports)', 'FILE').optional(),
    events: text(
      'REDCap event → session: a pattern with {n} (session_{n}_arm_1) or a list (baseline_arm_1=1,...); default *_{n}_arm_*',
      'PATTERN',
    ).optional(),
    map: text(
      'REDCap field, Qualtrics question or wide column → item: a CSV with columns field (or question, column) and item',
      'FILE',
    ).optional(),
    therapist: text('therapist for sessions the file creates without naming one', 'ID').optional(),
    'client-column': idColumn('client'),
    'session-column': idColumn('session'),
    'therapist-column': idColumn('therapist'),
    'date-column': idColumn('date'),
    'coder-column': idColumn('coder'),
    'submitted-column': idColumn('submitted'),
    'item-column': text('long format: item id column', 'NAME').default(DEFAULT_LONG_COLUMNS.item),
    'value-column': text('long format: value column', 'NAME').default(DEFAULT_LONG_COLUMNS.value),
    delimiter: text(
      'CSV field separator: a character, or comma, semicolon, tab (default: detected from the header)',
      'CHAR',
    ).optional(),
    replace: flag('overwrite stored responses whose values differ (audited); without it such rows are refused'),
    'dry-run': flag('say what the import would add, change and leave alone, and write nothing'),
  }),
  examples: [
    'alliance import responses --study pilot --instrument wai-sr --form client wai-sr.csv',
    'alliance import responses --study pilot --instrument srs --form client --format long srs.csv --json',
    'alliance import responses --study pilot --instrument wai-o-s --form observer --coder-column rater coders.csv',
    'alliance import responses --study pilot --instrument wai-sr --form client --dictionary dict.csv --events "session_{n}_arm_1" redcap.csv',
    'alliance import responses --study pilot --instrument wai-sr --form client --format qualtrics --map qids.csv qualtrics.csv',
  ],
  async run(ctx, o) {
    const file = ctx.positionals[0]!;
    const { format, therapist } = o;
    if (therapist !== undefined && !PseudonymId.safeParse(therapist).success)
      throw new UsageError(`--therapist must be a pseudonymous id, got "${therapist}"`);
    const [{ loadResponseForm }, { importResponses }, { openStudy }] = await Promise.all([
      import('../../import/responses/form-engine'),
      import('../../import/responses'),
      import('../../store/study'),
    ]);
    const delimiter = parseDelimiterOption(o.delimiter);
    const dryRun = o['dry-run'];
    const study = await openStudy(o.study);
    try {
      const form = instrumentCall(() => loadResponseForm(study.dir, o.instrument, o.form));
      if (form.respondent !== 'coder' && o['coder-column'] !== DEFAULT_ID_COLUMNS.coder) {
        throw new UsageError(
          `--coder-column applies to observer forms; ${form.instrument} ${form.form} is answered by the ${form.respondent}`,
        );
      }
      const bar = ctx.progress({ label: 'importing', unit: 'responses' });
      const summary = await importResponses(study, {
        file,
        form,
        ...(format !== undefined ? { format } : {}),
        columns: {
          client: o['client-column'],
          session: o['session-column'],
          therapist: o['therapist-column'],
          date: o['date-column'],
          coder: o['coder-column'],
          submitted: o['submitted-column'],
        },
        longColumns: { item: o['item-column'], value: o['value-column'] },
        ...definedOnly({ dictionary: o.dictionary, events: o.events, map: o.map, therapist }),
        ...(delimiter !== undefined ? { delimiter } : {}),
        ...(o.replace ? { replace: true } : {}),
        ...(dryRun ? { dryRun } : {}),
        onProgress: (done, total) => {
          if (done === 1) bar.setTotal(total);
          bar.update(done);
        },
        signal: ctx.signal,
      });
      bar.finish();
      if (dryRun && summary.errors.length === 0) {
        const counts = { add: summary.inserted, change: summary.updated, unchanged: summary.unchanged };
        return {
          data: counts,
          text: `dry run, nothing written: ${summary.file} would add ${counts.add} response${counts.add === 1 ? '' : 's'}, change ${counts.change}${counts.change > 0 && !o.replace ? ' (changing needs --replace)' : ''} and leave ${counts.unchanged} unchanged`,
        };
      }
      return {
        data: { ...summary },
        text: describe(summary),
        ...(summary.errors.length > 0 ? { exitCode: 1 as const } : {}),
      };
    } finally {
      await study.close();
    }
  },
});

/** Leaves out the options not given, so the importer's own defaults apply. */
function definedOnly<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}

function describe(s: ImportResponsesSummary): string {
  const what = `${s.file} (${s.instrument} ${s.form}, ${s.format})`;
  if (s.errors.length > 0) {
    const lines = s.errors.map(
      (e) =>
        `  ${[e.file, e.line !== undefined ? `line ${e.line}` : '', e.column !== undefined ? `column "${e.column}"` : ''].filter(Boolean).join(', ')}: ${e.message}`,
    );
    return [`${what}: nothing imported, ${s.errors.length} problem${s.errors.length === 1 ? '' : 's'}:`, ...lines].join(
      '\n',
    );
  }
  const skipped = s.skipped ? `, ${s.skipped} row${s.skipped === 1 ? '' : 's'} skipped` : '';
  const sessions = s.sessionsCreated ? `, ${s.sessionsCreated} new session${s.sessionsCreated === 1 ? '' : 's'}` : '';
  return `${what}: ${s.responses} responses from ${s.rows} rows${skipped}: ${s.inserted} inserted, ${s.updated} updated, ${s.unchanged} unchanged; ${s.scored} scored${sessions}`;
}
