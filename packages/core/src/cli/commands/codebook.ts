import { writeFileSync } from 'node:fs';
import {
  codebookNotes,
  codebookRows,
  renderHtml,
  renderMarkdown,
  renderRedcapCsv,
  type CodebookEntry,
} from '@alliance-lab/instruments';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { studyCodebookResult } from './codebook-study';
import { instrumentCall, registryFor } from './instruments';

const FORMATS = ['csv', 'md', 'html'] as const;

export const codebookCommand = defineCommand({
  path: ['codebook'],
  summary: "write a data dictionary for an instrument or a whole study's exports: REDCap CSV, Markdown or HTML",
  usage:
    'alliance codebook (--instrument ID [--form FORM] [--study DIR] | --study DIR) [--format csv|md|html] [--out FILE] [--json]',
  description: [
    'One row per item and per scale: variable name (wai_sr_client_1, wai_sr_client_goal), label, range, anchors,',
    'keying, scoring and missing codes. The CSV has REDCap data dictionary columns. Labels are the licensed wording',
    'installed in --study, otherwise our paraphrases, marked [paraphrase]. --json prints the rows as data.',
    'With --study and no --instrument: every variable the study exports (client, therapist, session, date; the',
    "items, scale scores, POMP and prorated/missing flags of each scheduled or stored form; each rater's scores).",
  ].join('\n'),
  options: {
    instrument: {
      type: 'string',
      placeholder: 'ID',
      description: 'instrument id (leave out with --study for the whole study)',
    },
    form: { type: 'string', placeholder: 'FORM', description: 'one form (default: every form of the instrument)' },
    format: {
      type: 'string',
      placeholder: 'FORMAT',
      description: 'csv (REDCap data dictionary), md or html',
      default: 'csv',
    },
    study: {
      type: 'string',
      placeholder: 'DIR',
      description: 'study folder, for its own instruments and installed wording',
    },
    out: { type: 'string', placeholder: 'FILE', description: 'write to FILE instead of stdout' },
  },
  examples: [
    'alliance codebook --instrument wai-sr --form client --format csv --out wai-sr-dictionary.csv',
    'alliance codebook --instrument srs --format md',
    'alliance codebook --study studies/pilot --format html --out codebook.html',
  ],
  async run(ctx) {
    const format = ctx.need('format');
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    const registry = registryFor(ctx.str('study'));
    if (ctx.str('instrument') === undefined) {
      if (ctx.str('study') === undefined || ctx.str('form') !== undefined)
        throw new UsageError(
          `give --instrument ID [--form FORM], or --study DIR alone for the whole study\nusage: ${codebookCommand.usage}`,
        );
      return studyCodebookResult(ctx.need('study'), format as (typeof FORMATS)[number], ctx.str('out'), registry);
    }
    const entry = instrumentCall(() => registry.get(ctx.need('instrument')));
    const formArg = ctx.str('form');
    const forms =
      formArg !== undefined
        ? [instrumentCall(() => registry.view(entry.definition.id, formArg)).form.id]
        : entry.definition.forms.map((f) => f.id);
    const entries: CodebookEntry[] = forms.map((form) => ({
      definition: entry.definition,
      form,
      ...(entry.wording ? { wording: entry.wording } : {}),
    }));
    const rows = codebookRows(entries);
    const opts = { title: `Codebook: ${entry.definition.name}`, notes: codebookNotes(entries) };
    const rendered =
      format === 'csv' ? renderRedcapCsv(rows) : format === 'md' ? renderMarkdown(rows, opts) : renderHtml(rows, opts);
    const out = ctx.str('out');
    if (out !== undefined) writeFileSync(out, rendered);
    return {
      data: { instrument: entry.definition.id, forms, format, rows, ...(out !== undefined ? { file: out } : {}) },
      text: out !== undefined ? `wrote ${rows.length} variables to ${out}` : rendered.replace(/\r?\n$/, ''),
    };
  },
});
