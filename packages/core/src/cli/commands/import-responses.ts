import { loadResponseForm } from '../../import/responses/form-engine';
import {
  DEFAULT_ID_COLUMNS,
  DEFAULT_LONG_COLUMNS,
  importResponses,
  RESPONSE_FORMATS,
  type IdColumns,
  type ImportResponsesSummary,
  type ResponseFormat,
} from '../../import/responses';
import { PseudonymId } from '../../schemas/ids';
import { openStudy } from '../../store/study';
import { parseDelimiterOption } from '../../util/csv';
import { UsageError } from '../../util/errors';
import { defineCommand, type CommandContext } from '../command';
import { instrumentCall } from './instruments';

const ID_OPTIONS: Record<keyof IdColumns, string> = {
  client: 'client-column',
  session: 'session-column',
  therapist: 'therapist-column',
  date: 'date-column',
  coder: 'coder-column',
  submitted: 'submitted-column',
};

export const importResponsesCommand = defineCommand({
  path: ['import', 'responses'],
  summary: 'import questionnaire responses (wide or long CSV, REDCap, Qualtrics) and score them',
  usage:
    'alliance import responses --study DIR --instrument ID --form FORM [--format wide|long|redcap|qualtrics] [options] FILE',
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
  options: {
    study: { type: 'string', placeholder: 'DIR', description: 'study folder', required: true },
    instrument: {
      type: 'string',
      placeholder: 'ID',
      description: 'instrument id (alliance instruments list)',
      required: true,
    },
    form: { type: 'string', placeholder: 'FORM', description: 'client, therapist, observer or child', required: true },
    format: {
      type: 'string',
      placeholder: 'NAME',
      description: `${RESPONSE_FORMATS.join(', ')} (default: guessed from the file)`,
    },
    dictionary: {
      type: 'string',
      placeholder: 'FILE',
      description: 'REDCap data dictionary CSV (required for REDCap exports)',
    },
    events: {
      type: 'string',
      placeholder: 'PATTERN',
      description:
        'REDCap event → session: a pattern with {n} (session_{n}_arm_1) or a list (baseline_arm_1=1,...); default *_{n}_arm_*',
    },
    map: {
      type: 'string',
      placeholder: 'FILE',
      description:
        'REDCap field, Qualtrics question or wide column → item: a CSV with columns field (or question, column) and item',
    },
    therapist: {
      type: 'string',
      placeholder: 'ID',
      description: 'therapist for sessions the file creates without naming one',
    },
    delimiter: {
      type: 'string',
      placeholder: 'CHAR',
      description: 'CSV field separator: a character, or comma, semicolon, tab (default: detected from the header)',
    },
    replace: {
      type: 'boolean',
      description: 'overwrite stored responses whose values differ (audited); without it such rows are refused',
    },
    'dry-run': {
      type: 'boolean',
      description: 'say what the import would add, change and leave alone, and write nothing',
    },
    ...Object.fromEntries(
      (Object.keys(ID_OPTIONS) as Array<keyof IdColumns>).map((k) => [
        ID_OPTIONS[k],
        {
          type: 'string' as const,
          placeholder: 'NAME',
          description: `${k === 'submitted' ? 'submission time' : k} column`,
          default: DEFAULT_ID_COLUMNS[k],
        },
      ]),
    ),
    'item-column': {
      type: 'string',
      placeholder: 'NAME',
      description: 'long format: item id column',
      default: DEFAULT_LONG_COLUMNS.item,
    },
    'value-column': {
      type: 'string',
      placeholder: 'NAME',
      description: 'long format: value column',
      default: DEFAULT_LONG_COLUMNS.value,
    },
  },
  examples: [
    'alliance import responses --study pilot --instrument wai-sr --form client wai-sr.csv',
    'alliance import responses --study pilot --instrument srs --form client --format long srs.csv --json',
    'alliance import responses --study pilot --instrument wai-o-s --form observer --coder-column rater coders.csv',
    'alliance import responses --study pilot --instrument wai-sr --form client --dictionary dict.csv --events "session_{n}_arm_1" redcap.csv',
    'alliance import responses --study pilot --instrument wai-sr --form client --format qualtrics --map qids.csv qualtrics.csv',
  ],
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const format = ctx.str('format');
    if (format !== undefined && !(RESPONSE_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${RESPONSE_FORMATS.join(', ')}, got "${format}"`);
    }
    const therapist = ctx.str('therapist');
    if (therapist !== undefined && !PseudonymId.safeParse(therapist).success)
      throw new UsageError(`--therapist must be a pseudonymous id, got "${therapist}"`);
    const delimiter = parseDelimiterOption(ctx.str('delimiter'));
    const dryRun = ctx.bool('dry-run');
    const study = await openStudy(ctx.need('study'));
    try {
      const form = instrumentCall(() => loadResponseForm(study.dir, ctx.need('instrument'), ctx.need('form')));
      if (form.respondent !== 'coder' && ctx.str('coder-column') !== DEFAULT_ID_COLUMNS.coder) {
        throw new UsageError(
          `--coder-column applies to observer forms; ${form.instrument} ${form.form} is answered by the ${form.respondent}`,
        );
      }
      const bar = ctx.progress({ label: 'importing', unit: 'responses' });
      const summary = await importResponses(study, {
        file,
        form,
        ...(format !== undefined ? { format: format as ResponseFormat } : {}),
        columns: idColumns(ctx),
        longColumns: { item: ctx.need('item-column'), value: ctx.need('value-column') },
        ...optionalString(ctx, 'dictionary', 'events', 'map', 'therapist'),
        ...(delimiter !== undefined ? { delimiter } : {}),
        ...(ctx.bool('replace') ? { replace: true } : {}),
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
          text: `dry run, nothing written: ${summary.file} would add ${counts.add} response${counts.add === 1 ? '' : 's'}, change ${counts.change}${counts.change > 0 && !ctx.bool('replace') ? ' (changing needs --replace)' : ''} and leave ${counts.unchanged} unchanged`,
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

function idColumns(ctx: CommandContext): IdColumns {
  const out = {} as IdColumns;
  for (const k of Object.keys(ID_OPTIONS) as Array<keyof IdColumns>) out[k] = ctx.need(ID_OPTIONS[k]);
  return out;
}

function optionalString<K extends string>(ctx: CommandContext, ...names: K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const n of names) {
    const v = ctx.str(n);
    if (v !== undefined) out[n] = v;
  }
  return out;
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
