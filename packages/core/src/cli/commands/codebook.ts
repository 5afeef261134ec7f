import { writeFileSync } from 'node:fs';
import type { CodebookEntry } from '@alliance-lab/instruments';
import { z } from 'zod';
import { UsageError } from '../../util/errors';
import { defineCommand } from '../command';
import { commandUsage } from '../dispatch';
import { choice, text } from '../options';

const FORMATS = ['csv', 'md', 'html'] as const;

export const codebookCommand = defineCommand({
  path: ['codebook'],
  summary: "write a data dictionary for an instrument or a whole study's exports: REDCap CSV, Markdown or HTML",
  description: [
    'One row per item and per scale: variable name (wai_sr_client_1, wai_sr_client_goal), label, range, anchors,',
    'keying, scoring and missing codes. The CSV has REDCap data dictionary columns. Labels are the licensed wording',
    'installed in --study, otherwise our paraphrases, marked [paraphrase]. --json prints the rows as data.',
    'With --study and no --instrument: every variable the study exports (client, therapist, session, date; the',
    "items, scale scores, POMP and prorated/missing flags of each scheduled or stored form; each rater's scores).",
  ].join('\n'),
  options: z.object({
    instrument: text('instrument id (leave out with --study for the whole study)', 'ID').optional(),
    form: text('one form (default: every form of the instrument)', 'FORM').optional(),
    format: choice(FORMATS, 'csv (REDCap data dictionary), md or html').default('csv'),
    study: text('study folder, for its own instruments and installed wording', 'DIR').optional(),
    out: text('write to FILE instead of stdout', 'FILE').optional(),
  }),
  examples: [
    'alliance codebook --instrument wai-sr --form client --format csv --out wai-sr-dictionary.csv',
    'alliance codebook --instrument srs --format md',
    'alliance codebook --study studies/pilot --format html --out codebook.html',
  ],
  async run(_ctx, o) {
    const { format } = o;
    const [
      { codebookNotes, codebookRows, renderHtml, renderMarkdown, renderRedcapCsv },
      { instrumentCall, registryFor },
    ] = await Promise.all([import('@alliance-lab/instruments'), import('./instruments/registry')]);
    const registry = await registryFor(o.study);
    if (o.instrument === undefined) {
      if (o.study === undefined || o.form !== undefined)
        throw new UsageError(
          `give --instrument ID [--form FORM], or --study DIR alone for the whole study\nusage: ${commandUsage(codebookCommand)}`,
        );
      const { studyCodebookResult } = await import('./codebook-study');
      return studyCodebookResult(o.study, format, o.out, registry);
    }
    const instrument = o.instrument;
    const entry = instrumentCall(() => registry.get(instrument));
    const formArg = o.form;
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
    const out = o.out;
    if (out !== undefined) writeFileSync(out, rendered);
    return {
      data: { instrument: entry.definition.id, forms, format, rows, ...(out !== undefined ? { file: out } : {}) },
      text: out !== undefined ? `wrote ${rows.length} variables to ${out}` : rendered.replace(/\r?\n$/, ''),
    };
  },
});
